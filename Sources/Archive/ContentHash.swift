internal import Crypto
import FeedModel
import Foundation

/// SHA-256 of an article's normalized text (DESIGN.md §1), as 64 lower-case hex digits.
/// Two texts that differ only in whitespace, soft hyphens, zero-width characters or Unicode
/// normalization have the same hash.
public func contentHash(of text: String) -> String {
    let digest = SHA256.hash(data: Data(text.normalizedForHash.utf8))
    return digest.map { String(format: "%02x", $0) }.joined()
}

/// A short stable id from any key: the first 16 hex digits of its SHA-256.
func shortID(for key: String) -> String {
    let digest = SHA256.hash(data: Data(key.utf8))
    return digest.prefix(8).map { String(format: "%02x", $0) }.joined()
}
