import Testing
@testable import ShardTrain
import TestSupport

/// Every malformed LIBSVM input gives the right code, line, byte column and message.
@Suite struct LIBSVMErrorTests {
    private func parse(_ text: String, featureCount: Int? = nil) throws(DataError) -> Dataset {
        try LIBSVMReader(featureCount: featureCount).parse(text: text, source: "t")
    }

    @Test func badLabel() {
        expectDataError(.badLabel, line: 2, column: 1, message: "bad label \"abc\"") { try parse("1 1:1\nabc 1:1\n") }
        expectDataError(.badLabel, line: 1, column: 3, message: "bad label \"1x\"") { try parse("  1x 1:1\n") }
        expectDataError(.badLabel, line: 1, column: 1, message: "seems to start with a feature") { try parse("3:1 4:1\n") }
    }

    @Test func nonFiniteLabel() {
        expectDataError(.nonFinite, line: 1, column: 1, message: "label \"nan\" is not finite") { try parse("nan 1:1\n") }
        expectDataError(.nonFinite, line: 1, column: 1, message: "not finite") { try parse("-Inf 1:1\n") }
        expectDataError(.nonFinite, line: 1, column: 1, message: "not finite") { try parse("1e999 1:1\n") }
    }

    @Test func zeroIndex() {
        expectDataError(.badIndex, line: 17, column: 24, message: "bad feature index \"0:1\" — indices are 1-based") {
            try parse(String(repeating: "1 1:1\n", count: 16) + "-1 1:1 2:1 3:1 4:1 5:1 0:1\n")
        }
    }

    @Test func negativeIndex() {
        expectDataError(.badIndex, line: 1, column: 7, message: "negative feature index \"-3:1\"") { try parse("1 2:1 -3:1\n") }
    }

    @Test func indicesNotIncreasing() {
        expectDataError(.indicesNotIncreasing, line: 2, column: 7, message: "feature index 3 after 5") { try parse("1 1:1\n1 5:1 3:1\n") }
        expectDataError(.indicesNotIncreasing, line: 1, column: 7, message: "strictly increasing") { try parse("1 2:1 2:1\n") }
    }

    @Test func indexAboveFixedFeatureCount() {
        expectDataError(.indexOutOfRange, line: 1, column: 7, message: "exceeds the feature count 3") {
            try parse("1 1:1 4:1\n", featureCount: 3)
        }
    }

    @Test func hugeIndexIsReportedNotTrapped() {
        expectDataError(.indexOutOfRange, line: 1, column: 3, message: "too large") { try parse("1 99999999999999999999:1\n") }
        expectDataError(.indexOutOfRange, line: 1, column: 3, message: "2147483647") { try parse("1 2147483648:1\n") }
    }

    @Test func garbageTokens() {
        expectDataError(.badValue, line: 1, column: 7, message: "bad value in \"3:abc\"") { try parse("1.5 3:abc\n") }
        expectDataError(.badValue, line: 1, column: 3, message: "bad feature \"abc\"") { try parse("1 abc\n") }
        expectDataError(.badValue, line: 1, column: 5, message: "missing value in \"3:\"") { try parse("1 3:\n") }
        expectDataError(.badValue, line: 1, column: 5, message: "missing value in \"3:\"") { try parse("1 3: 4:1\n") }
        expectDataError(.badValue, line: 1, column: 3, message: "missing feature index in \":4\"") { try parse("1 :4\n") }
        expectDataError(.badValue, line: 1, column: 3, message: "bad feature \"3\"") { try parse("1 3 4:1\n") }
        expectDataError(.badValue, line: 1, column: 5, message: "bad value in \"3:1.5.2\"") { try parse("1 3:1.5.2\n") }
        expectDataError(.badValue, line: 1, column: 5, message: "bad value in \"3:1e\"") { try parse("1 3:1e\n") }
        expectDataError(.badValue, line: 1, column: 3, message: "bad feature \"qid:x\"") { try parse("1 qid:x 1:1\n") }
    }

    @Test func nonFiniteValues() {
        expectDataError(.nonFinite, line: 1, column: 5, message: "value in \"2:NaN\" is not finite") { try parse("1 2:NaN\n") }
        expectDataError(.nonFinite, line: 1, column: 5, message: "not finite") { try parse("1 2:inf\n") }
        expectDataError(.nonFinite, line: 1, column: 5, message: "overflows Float") { try parse("1 2:1e39\n") }
    }

    @Test func crlfDoesNotShiftColumns() {
        expectDataError(.badIndex, line: 2, column: 3, message: "1-based") { try parse("1 1:1\r\n1 0:1\r\n") }
    }

    @Test func descriptionReadsLikeADiagnostic() {
        let error = DataError(.badIndex, file: "a9a", line: 17, column: 23, message: "bad feature index \"0:1\" — indices are 1-based")
        #expect(error.description == "a9a:17:23: bad feature index \"0:1\" — indices are 1-based")
        #expect(DataError(.emptyFile, file: "f", message: "m").description == "f: m")
    }

    @Test func fileErrorsNameTheFile() {
        let path = Fixtures.writeTemporaryFile("1 1:1\n1 0:1\n")
        do {
            _ = try LIBSVMReader().read(path: path)
            Issue.record("expected an error")
        } catch {
            #expect(error.file == path)
            #expect(error.description.hasPrefix("\(path):2:3: "))
        }
    }

    @Test func randomBytesNeverCrash() {
        var generator = SeededGenerator(seed: 7)
        let alphabet = Array("0123456789:.-+eE#qid \t\r\nnaNIf".utf8)
        for _ in 0 ..< 2000 {
            let count = Int(generator.next() % 40)
            let bytes = (0 ..< count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            _ = try? parse(String(decoding: bytes, as: UTF8.self))
        }
    }
}
