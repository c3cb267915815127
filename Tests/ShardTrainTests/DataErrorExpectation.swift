import Testing
@testable import ShardTrain

/// Runs `body`, expecting it to throw a ``DataError`` with this code, position and message part.
func expectDataError<T>(_ code: DataError.Code, line: Int?, column: Int?, message fragment: String,
                        sourceLocation: SourceLocation = #_sourceLocation,
                        _ body: () throws -> T) {
    do {
        _ = try body()
        Issue.record("expected \(code) error, got a result", sourceLocation: sourceLocation)
    } catch let error as DataError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
        #expect(error.column == column, "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains(fragment), "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a DataError, got \(error)", sourceLocation: sourceLocation)
    }
}
