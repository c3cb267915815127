/// Input bytes as they may appear in a message: printable text stays as it is; control bytes,
/// a byte-order mark and bytes that are not UTF-8 are spelled out (`\r`, `\x1B`, `\u{FEFF}`),
/// so that a message never carries raw control bytes to a terminal and an invisible character
/// becomes visible.
enum PrintableText {
    static func of<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var text = ""
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                let scalar = Unicode.UTF8.decode(encoded)
                switch scalar.value {
                case 0x09: text += "\\t"
                case 0x0A: text += "\\n"
                case 0x0D: text += "\\r"
                case 0x5C: text += "\\\\"
                case 0x00 ..< 0x20, 0x7F: text += "\\x" + hex(UInt8(scalar.value))
                case 0x80 ..< 0xA0, 0x200B ... 0x200F, 0x2028 ... 0x202E, 0x2060 ... 0x2064, 0xFEFF:
                    text += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                default: text.unicodeScalars.append(scalar)
                }
            case .error(let length):
                // The bytes of the broken sequence are gone from the iterator; name how many.
                text += String(repeating: "\\x??", count: length)
            case .emptyInput:
                return text
            }
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}

/// Checks of a text data file's encoding before its lines are parsed.
enum TextEncodingCheck {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// How many leading bytes to skip (a UTF-8 byte-order mark, which spreadsheet programs
    /// write), after refusing what cannot be read as lines of UTF-8 text: UTF-16 or UTF-32
    /// (their byte-order marks) and line ends that are a carriage return alone.
    static func leadingBytesToSkip(_ bytes: UnsafeRawBufferPointer, source: String) throws(DataError) -> Int {
        let head = Array(bytes.prefix(4))
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) || head.starts(with: [0x00, 0x00, 0xFE, 0xFF]) {
            throw DataError(.badValue, file: source, line: 1, column: 1,
                            message: "the file is UTF-16 or UTF-32 text (it starts with that byte-order mark); save it as UTF-8")
        }
        let window = bytes.prefix(1 << 20)
        if !window.contains(0x0A), window.contains(0x0D) {
            throw DataError(.badValue, file: source, line: 1,
                            message: "the lines end in a carriage return alone (CR, classic Mac OS); convert the line ends to LF or CRLF")
        }
        return head.starts(with: byteOrderMark) ? 3 : 0
    }
}
