/// A gzip member that inflates to `count` zero bytes from a few bytes per 258 of output:
/// one literal 0, then back-references of length 258 at distance 1, in one fixed-Huffman
/// deflate block (RFC 1951 §3.2.6), with a correct CRC-32 and size trailer (RFC 1952), so a
/// client that does not stop early decodes all of it.
enum GzipBomb {
    /// The gzip bytes and the exact decompressed size (≥ `atLeast`).
    static func make(atLeast minimum: Int) -> (gzip: [UInt8], inflatedSize: Int) {
        let matches = max(0, (minimum - 1 + 257) / 258)
        let size = 1 + matches * 258
        var writer = BitWriter()
        writer.write(bits: 1, count: 1)  // BFINAL
        writer.write(bits: 1, count: 2)  // BTYPE = 01, fixed Huffman
        writer.writeCode(0x30, length: 8)  // literal 0
        for _ in 0..<matches {
            writer.writeCode(0xC5, length: 8)  // length symbol 285 = 258 bytes
            writer.writeCode(0, length: 5)  // distance code 0 = distance 1
        }
        writer.writeCode(0, length: 7)  // end of block (256)
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
        out += writer.finish()
        out += littleEndian(crc32OfZeros(count: size))
        out += littleEndian(UInt32(truncatingIfNeeded: size))
        return (out, size)
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    /// CRC-32 (IEEE, reflected) of `count` zero bytes.
    static func crc32OfZeros(count: Int) -> UInt32 {
        var table = [UInt32](repeating: 0, count: 256)
        for index in 0..<256 {
            var value = UInt32(index)
            for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
            table[index] = value
        }
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for _ in 0..<count { crc = table[Int(crc & 0xFF)] ^ (crc >> 8) }
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// Packs bits least-significant first, as deflate wants.
    private struct BitWriter {
        var bytes: [UInt8] = []
        var current: UInt32 = 0
        var used = 0

        mutating func write(bits: UInt32, count: Int) {
            for index in 0..<count {
                current |= ((bits >> index) & 1) << used
                used += 1
                if used == 8 {
                    bytes.append(UInt8(current))
                    current = 0
                    used = 0
                }
            }
        }

        /// Huffman codes go most-significant bit first.
        mutating func writeCode(_ code: UInt32, length: Int) {
            for index in stride(from: length - 1, through: 0, by: -1) {
                write(bits: (code >> index) & 1, count: 1)
            }
        }

        mutating func finish() -> [UInt8] {
            if used > 0 { bytes.append(UInt8(current)) }
            return bytes
        }
    }
}
