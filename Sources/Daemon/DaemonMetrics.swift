public import Pipeline
import Prometheus

/// The daemon's Prometheus metrics (`/metrics`, text format 0.0.4), kept in one registry that the
/// daemon owns (no process-wide metrics system).
public final class DaemonMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let polls: Counter
    let notModified: Counter
    let newStories: Counter
    let revisions: Counter
    let duplicates: Counter
    let pollDuration: DurationHistogram
    let nextPollLag: Gauge
    let sources: Gauge

    public init() {
        polls = registry.makeCounter(name: "herold_polls_total", help: "Source polls archived.")
        notModified = registry.makeCounter(
            name: "herold_polls_not_modified_total", help: "Polls answered 304 Not Modified (ratio: divide by herold_polls_total).")
        newStories = registry.makeCounter(name: "herold_stories_new_total", help: "New stories archived.")
        revisions = registry.makeCounter(name: "herold_stories_revised_total", help: "New revisions of known stories.")
        duplicates = registry.makeCounter(
            name: "herold_stories_duplicate_total", help: "Sightings of stories already archived (dedup hits).")
        pollDuration = registry.makeDurationHistogram(
            name: "herold_poll_duration_seconds",
            buckets: [.milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(60)],
            help: "Time to fetch, parse and extract one source.")
        nextPollLag = registry.makeGauge(
            name: "herold_next_poll_lag_seconds", help: "How late the most recent poll started after it was due.")
        sources = registry.makeGauge(name: "herold_sources", help: "Configured sources.")
    }

    /// Counts one archived poll.
    public func record(_ report: SourceReport, seconds: Double) {
        polls.increment()
        if let failure = report.failure {
            let kind = failure.split(separator: ":").first.map(String.init) ?? "other"
            registry.makeCounter(name: "herold_poll_failures_total", labels: [("kind", kind)], help: "Failed polls by kind.")
                .increment()
        }
        if report.notModified { notModified.increment() }
        newStories.increment(by: Int64(report.new))
        revisions.increment(by: Int64(report.revised))
        duplicates.increment(by: Int64(report.known))
        if let confidence = report.meanConfidence {
            registry.makeGauge(
                name: "herold_extraction_confidence", labels: [("source", report.sourceID)],
                help: "Mean extraction confidence of the source's last poll (0–1)."
            ).set(confidence)
        }
        pollDuration.recordNanoseconds(Int64(seconds * 1e9))
    }

    /// Records how late a poll started.
    public func lag(_ seconds: Double) {
        nextPollLag.set(max(0, seconds))
    }

    /// The number of configured sources.
    public func setSources(_ count: Int) {
        sources.set(Double(count))
    }

    /// The Prometheus text exposition.
    public func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
