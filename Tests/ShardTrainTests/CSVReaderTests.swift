import Testing
@testable import ShardTrain
import TestSupport

@Suite struct CSVReaderTests {
    private func parse(_ text: String, _ reader: CSVReader = CSVReader()) throws(DataError) -> Dataset {
        try reader.parse(text: text, source: "c")
    }

    private func dense(_ dataset: Dataset) -> DenseMatrix? {
        if case .dense(let m) = dataset.features { return m }
        return nil
    }

    @Test func headerlessLastColumnLabel() throws {
        let d = try parse("1,2,3\n4.5,-5e1,6\n")
        #expect(try dense(d) == DenseMatrix(rows: 2, columns: 2, values: [1, 2, 4.5, -50]))
        #expect(d.labels == [3, 6])
    }

    @Test func detectedHeaderAndLabelByName() throws {
        let d = try parse("a,y,b\n1,10,2\n3,30,4\n", CSVReader(labelColumn: .name("y")))
        #expect(dense(d)?.values == [1, 2, 3, 4])
        #expect(d.labels == [10, 30])
    }

    @Test func labelByIndexDelimiterQuotesCRLFAndBlankLines() throws {
        let d = try parse("\"x;1\";\"y\"\r\n\r\n 7 ; \"8\" \r\n9;10\r\n", CSVReader(delimiter: ";", labelColumn: .index(0)))
        #expect(d.labels == [7, 9])
        #expect(dense(d)?.values == [8, 10])
    }

    @Test func forcedHeaderAndForcedNoHeader() throws {
        #expect(try parse("1,2\n3,4\n", CSVReader(hasHeader: true)).labels == [4])
        expectDataError(.badValue, line: 1, column: 1, message: "non-numeric cell \"a\"") {
            try parse("a,b\n1,2\n", CSVReader(hasHeader: false))
        }
    }

    @Test func raggedRow() {
        expectDataError(.raggedRow, line: 3, column: 3, message: "row has 2 fields — expected 3") { try parse("1,2,3\n4,5,6\n7,8\n") }
        expectDataError(.raggedRow, line: 2, column: 4, message: "row has 4 fields — expected 3") { try parse("1,2,3\n4,5,6,7\n") }
    }

    @Test func nonNumericCell() {
        expectDataError(.badValue, line: 2, column: 2, message: "non-numeric cell \"abc\"") { try parse("1,2,3\n4,abc,6\n") }
        expectDataError(.badValue, line: 2, column: 3, message: "empty cell") { try parse("1,2,3\n4,5,\n") }
    }

    @Test func nonFiniteCells() {
        expectDataError(.nonFinite, line: 2, column: 1, message: "\"NaN\" is not finite") { try parse("1,2\nNaN,3\n") }
        expectDataError(.nonFinite, line: 1, column: 2, message: "not finite") { try parse("1,inf\n") }
        expectDataError(.nonFinite, line: 1, column: 1, message: "overflows Float") { try parse("1e40,1\n") }
    }

    @Test func missingLabelColumn() {
        expectDataError(.missingLabelColumn, line: 1, column: nil, message: "expected one of \"a\", \"b\"") {
            try parse("a,b\n1,2\n", CSVReader(labelColumn: .name("y")))
        }
        expectDataError(.missingLabelColumn, line: 1, column: nil, message: "needs a header row") {
            try parse("1,2\n", CSVReader(labelColumn: .name("y")))
        }
        expectDataError(.missingLabelColumn, line: 1, column: nil, message: "expected 0…1") {
            try parse("1,2\n", CSVReader(labelColumn: .index(2)))
        }
    }

    @Test func emptyInputs() {
        expectDataError(.emptyFile, line: nil, column: nil, message: "no data rows") { try parse("\n  \n") }
        expectDataError(.emptyFile, line: nil, column: nil, message: "no data rows") { try parse("a,b\n") }
        let path = Fixtures.writeTemporaryFile("", name: "empty.csv")
        expectDataError(.emptyFile, line: nil, column: nil, message: "no data rows") { try CSVReader().read(path: path) }
    }

    @Test func unterminatedQuote() {
        expectDataError(.badValue, line: 2, column: 2, message: "unterminated quote") { try parse("1,2\n3,\"4\n") }
    }
}
