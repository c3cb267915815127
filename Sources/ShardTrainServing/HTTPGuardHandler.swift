import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Per-connection guards below the responder:
///
/// - **Deadlines.** A connection must deliver a request's head within `headerTimeout` of
///   opening (or of the previous response), and the whole body within `bodyTimeout` of the
///   head; past either it is closed. A client that sends a byte now and then holds nothing for
///   long (an idle timer alone would be reset by every byte).
/// - **A JSON reason for parser refusals.** When the HTTP parser refuses a request, the server
///   answers 400 with an empty body; this turns it into `{"error": …}` like every other refusal.
final class HTTPGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let headerTimeout: TimeAmount
    private let bodyTimeout: TimeAmount
    private var timer: Scheduled<Void>?

    init(headerTimeout: TimeAmount, bodyTimeout: TimeAmount) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context, headerTimeout, "no request head") }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context, headerTimeout, "no request head")
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: arm(context, bodyTimeout, "the request body did not arrive")
        case .end: disarm()
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status == .badRequest && head.headerFields[.contentLength] == "0":
            let body = ByteBuffer(string: "{\"error\":\"malformed HTTP request: the server could not parse its request line, headers or framing\"}")
            var fields = head.headerFields
            fields[.contentLength] = String(body.readableBytes)
            fields[.contentType] = "application/json"
            var changed = head
            changed.headerFields = fields
            context.write(wrapOutboundOut(.head(changed)), promise: nil)
            context.write(wrapOutboundOut(.body(body)), promise: promise)
        case .end:
            arm(context, headerTimeout, "no request head")
            context.write(data, promise: promise)
        default:
            context.write(data, promise: promise)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    private func arm(_ context: ChannelHandlerContext, _ delay: TimeAmount, _ reason: String) {
        disarm()
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: delay) { channel.close(promise: nil) }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}

/// Requests being scored at once, bounded: past the limit a request is answered 503 at once
/// instead of queueing behind the others.
final class InFlightLimit: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Takes a slot, or returns false when all are taken.
    func enter() -> Bool {
        lock.withLock {
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func leave() { lock.withLock { count -= 1 } }
}
