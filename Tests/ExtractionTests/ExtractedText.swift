import Extraction
import Foundation
import Testing

/// The article text extracted from a hand-written page (what `herold extract --text` prints),
/// for the rule tests; the calling test fails when no article comes out.
func extractedText(_ page: String, url: String = "https://site.example/news/page") throws -> String {
    try #require(Extractor().extract(Array(page.utf8), url: URL(string: url)).article?.text)
}
