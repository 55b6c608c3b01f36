import Archive
import ArgumentParser
import FeedModel
import Foundation

extension Herold {
    /// `herold status`: per source, how its polls went and when the next one is due.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every source's last success, last error, next poll and stories (works while the daemon runs).")

        @OptionGroup var options: ConfigOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let configuration = try options.load()
            let states: [String: SourceState]
            do {
                states = try SourceStates.read(archive: configuration.archive)
            } catch {
                printError("error: \(configuration.archive.appendingPathComponent("sources.json").path) is unreadable: \(error)")
                throw Exit.dataError
            }
            let counts = (try? SQLiteIndex.storyCounts(at: configuration.archive.appendingPathComponent("herold.sqlite"))) ?? nil
            func day(_ date: Date?) -> String { date.map { $0.ISO8601Format() } ?? "never" }
            if json {
                let items: [JSONValue] = configuration.sources.map { source in
                    let state = states[source.id]
                    return .object([
                        ("id", .string(source.id)), ("url", .url(source.url)),
                        ("last_success", .date(state?.lastSuccess)), ("last_attempt", .date(state?.lastAttempt)),
                        ("last_error_kind", .string(state?.lastErrorKind)), ("last_error", .string(state?.lastError)),
                        ("consecutive_failures", .number(Double(state?.consecutiveFailures ?? 0))),
                        ("next_poll", .date(state?.nextPoll)),
                        ("polled_url", .url(state?.pollURL(configured: source.url) ?? source.url)),
                        ("redirects_permanently_to", .url(state?.movedTo)),
                        ("permanent_redirect_polls", .number(Double(state?.movedPolls ?? 0))),
                        ("stories", .number(Double(counts?.bySource[source.id] ?? 0))),
                    ])
                }
                print(JSONValue.object([("stories", .number(Double(counts?.total ?? 0))), ("sources", .array(items))]).rendered())
                return
            }
            print("\(counts?.total ?? 0) stories in \(configuration.archive.path)")
            for source in configuration.sources {
                let state = states[source.id]
                var line = "\(source.id): \(counts?.bySource[source.id] ?? 0) stories; last success \(day(state?.lastSuccess))"
                if let kind = state?.lastErrorKind {
                    line += "; failing (\(kind), \(state?.consecutiveFailures ?? 0)× in a row): \(state?.lastError ?? "")"
                }
                line += "; next poll \(day(state?.nextPoll))"
                if let state {
                    let polled = state.pollURL(configured: source.url)
                    if polled != source.url {
                        line += "; moved permanently: polling \(polled.absoluteString) instead of \(source.url.absoluteString) (update feeds.yml)"
                    }
                    if let target = state.movedTo {
                        let threshold = source.fetch.permanentRedirectPolls
                        line += "; redirects permanently to \(target.absoluteString) (\(state.movedPolls ?? 0)"
                            + (threshold > 0 ? " of \(threshold) polls)" : " polls; not adopted, permanent_redirect_polls is 0)")
                    }
                }
                print(line)
            }
        }
    }
}
