public import Foundation

/// Locates test fixtures: the repository's own (`Tests/<Target>/Fixtures`) and the shared ones
/// handed to the project in `../shared/fixtures` beside the repository.
public enum Fixtures {
    /// The repository's root folder (the one holding Package.swift).
    public static let packageRoot: URL = {
        // This file is Tests/TestSupport/Fixtures.swift.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }()

    /// `../shared/fixtures/ministry` beside the repository, or nil where it is absent
    /// (a user's fresh clone): tests that need it skip with a message then.
    public static var ministryDirectory: URL? {
        let dir = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures/ministry")
        return FileManager.default.fileExists(atPath: dir.appendingPathComponent("manifest.json").path) ? dir : nil
    }

    /// The message tests print when they skip for lack of `../shared`.
    public static let sharedMissingMessage =
        "../shared/fixtures/ministry is not beside the repository; skipping the shared-fixture tests"

    /// A file of `Tests/<target>/Fixtures/`.
    public static func local(_ target: String, _ name: String) -> URL {
        packageRoot.appendingPathComponent("Tests/\(target)/Fixtures/\(name)")
    }

    /// Reads a file's bytes.
    public static func bytes(_ url: URL) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url))
    }

    /// Reads and decodes a JSON file into Foundation objects.
    public static func json(_ url: URL) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        guard let dictionary = object as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return dictionary
    }
}
