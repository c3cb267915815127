/// Parses the small Python dict literal of an NPY header: string keys, and values that are
/// strings, `True`/`False`, or tuples of non-negative integers.
struct PythonLiteralScanner {
    /// A value in the dictionary.
    enum Value: Equatable {
        case string(String)
        case bool(Bool)
        case tuple([Int])
    }

    private let characters: [Character]
    private var position = 0
    private let file: String
    private let text: String

    init(text: String, file: String) {
        self.text = text
        self.characters = Array(text)
        self.file = file
    }

    /// Parses `{key: value, ...}` (a trailing comma is allowed).
    mutating func parseDictionary() throws(DataError) -> [String: Value] {
        try expect("{")
        var entries: [String: Value] = [:]
        while true {
            skipSpaces()
            if peek() == "}" { position += 1; return entries }
            let key = try parseString()
            try expect(":")
            entries[key] = try parseValue()
            skipSpaces()
            if peek() == "," { position += 1; continue }
            try expect("}")
            return entries
        }
    }

    private mutating func parseValue() throws(DataError) -> Value {
        skipSpaces()
        switch peek() {
        case "'", "\"": return .string(try parseString())
        case "(": return .tuple(try parseTuple())
        default:
            let word = readWord()
            if word == "True" { return .bool(true) }
            if word == "False" { return .bool(false) }
            throw failure("unexpected value \"\(word)\"")
        }
    }

    private mutating func parseString() throws(DataError) -> String {
        skipSpaces()
        guard let quote = peek(), quote == "'" || quote == "\"" else { throw failure("expected a quoted key or string") }
        position += 1
        var result = ""
        while let c = peek(), c != quote {
            result.append(c)
            position += 1
        }
        guard peek() == quote else { throw failure("unterminated string") }
        position += 1
        return result
    }

    private mutating func parseTuple() throws(DataError) -> [Int] {
        try expect("(")
        var items: [Int] = []
        while true {
            skipSpaces()
            if peek() == ")" { position += 1; return items }
            var word = readWord()
            if word.hasSuffix("L") { word.removeLast() }  // Python 2 long literals
            guard let value = Int(word), value >= 0 else { throw failure("bad dimension \"\(word)\" in shape") }
            items.append(value)
            skipSpaces()
            if peek() == "," { position += 1; continue }
            try expect(")")
            return items
        }
    }

    private mutating func readWord() -> String {
        skipSpaces()
        var word = ""
        while let c = peek(), c.isLetter || c.isNumber || c == "_" || c == "-" {
            word.append(c)
            position += 1
        }
        return word
    }

    private mutating func expect(_ c: Character) throws(DataError) {
        skipSpaces()
        guard peek() == c else { throw failure("expected \"\(c)\"") }
        position += 1
    }

    private mutating func skipSpaces() {
        while let c = peek(), c.isWhitespace { position += 1 }
    }

    private func peek() -> Character? { position < characters.count ? characters[position] : nil }

    private func failure(_ what: String) -> DataError {
        DataError(.badHeader, file: file, message: "malformed NPY header dictionary at character \(position + 1): \(what) — found \(text)")
    }
}
