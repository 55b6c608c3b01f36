import Foundation

extension String {
    /// The text as the content hash sees it (DESIGN.md §1): Unicode NFC, soft hyphens and
    /// zero-width characters removed, no-break spaces as spaces, every whitespace run collapsed
    /// to one space, trimmed. Two texts that differ only in these respects are the same story.
    public var normalizedForHash: String {
        let nfc = self.precomposedStringWithCanonicalMapping
        var out = String.UnicodeScalarView()
        out.reserveCapacity(nfc.unicodeScalars.count)
        var pendingSpace = false
        for scalar in nfc.unicodeScalars {
            switch scalar.value {
            case 0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF:
                continue  // soft hyphen, zero-width space/joiners, word joiner, BOM
            default:
                break
            }
            if scalar.properties.isWhitespace || scalar.value == 0x00A0 {
                pendingSpace = true
                continue
            }
            if pendingSpace && !out.isEmpty { out.append(" ") }
            pendingSpace = false
            out.append(scalar)
        }
        return String(out)
    }
}
