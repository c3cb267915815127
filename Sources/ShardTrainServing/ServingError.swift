import HTTPTypes

/// A request the server refuses: the HTTP status and a message that says exactly what is wrong.
/// Sent as `{"error": "…"}`, which is what KServe v2 and TF Serving clients expect.
public struct ServingError: Error, Sendable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let message: String

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status.code) \(message)" }

    static func badRequest(_ message: String) -> ServingError { ServingError(.badRequest, message) }
    static func notFound(_ message: String) -> ServingError { ServingError(.notFound, message) }
    static func tooManyRows(_ rows: Int, limit: Int) -> ServingError {
        ServingError(.contentTooLarge, "the request has \(rows) rows; the limit is \(limit) a request (--max-rows)")
    }
}
