import Testing
@testable import ShardTrain

/// The fast decimal scanner agrees with the standard library's correctly rounded parser.
@Suite struct DecimalScannerTests {
    private func parseFloat(_ text: String) -> (DecimalScanner.Kind, Float?) {
        var text = text
        return text.withUTF8 { buffer in
            guard let start = buffer.baseAddress else { return (.invalid, nil) }
            let token = DecimalScanner.scan(start, start + buffer.count)
            guard token.kind == .number, token.end == start + buffer.count else { return (token.kind, nil) }
            return (.number, DecimalScanner.float(token, start: start))
        }
    }

    private func parseDouble(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { buffer in
            guard let start = buffer.baseAddress else { return nil }
            let token = DecimalScanner.scan(start, start + buffer.count)
            guard token.kind == .number, token.end == start + buffer.count else { return nil }
            return DecimalScanner.double(token, start: start)
        }
    }

    @Test func knownValues() {
        for text in ["0.123456", "1e-3", "-2.5E+02", "+1", "1.0", ".5", "5.", "0", "-0.0", "3.4028235e38",
                     "1.17549435e-38", "1e-45", "0.000000000000000000000000000001", "123456789012345678901234567890",
                     "16777217", "0.1", "2.5e-7", "9007199254740993", "1.00000005960464477539062500001"] {
            #expect(parseFloat(text).1?.bitPattern == Float(text)?.bitPattern, "\(text)")
            #expect(parseDouble(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }

    @Test func specialAndInvalidTokens() {
        #expect(parseFloat("nan").0 == .notANumber)
        #expect(parseFloat("-Infinity").0 == .infinity)
        #expect(parseFloat("inf").0 == .infinity)
        for bad in ["", ".", "-", "e5", "1e", "1e+", "abc", "+-1"] {
            #expect(parseFloat(bad).1 == nil, "\(bad)")
        }
    }

    @Test func randomDecimalStringsMatchFloatInit() {
        var generator = SeededGenerator(seed: 2024)
        func digits(_ count: Int) -> String {
            String((0 ..< count).map { _ in Character(String(generator.next() % 10)) })
        }
        for _ in 0 ..< 5000 {
            var text = generator.next() % 2 == 0 ? "-" : ""
            let integerDigits = Int(generator.next() % 12)
            let fractionDigits = Int(generator.next() % (generator.next() % 4 == 0 ? 30 : 10))
            text += integerDigits == 0 && fractionDigits == 0 ? "0" : digits(integerDigits)
            if fractionDigits > 0 { text += "." + digits(fractionDigits) }
            if generator.next() % 3 == 0 {
                text += (generator.next() % 2 == 0 ? "e" : "E-") + String(generator.next() % 45)
            }
            let expected = Float(text)
            let parsed = parseFloat(text).1
            #expect(parsed?.bitPattern == expected?.bitPattern, "\(text)")
            #expect(parseDouble(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }

    @Test func halfwayDoublesFallBackToExactRounding() {
        // 1 + 2^-24 is exactly halfway between two Floats; with trailing digits it is above.
        #expect(parseFloat("1.000000059604644775390625").1 == Float("1.000000059604644775390625"))
        #expect(parseFloat("1.0000000596046448").1 == Float("1.0000000596046448"))
    }
}
