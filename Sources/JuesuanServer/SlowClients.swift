import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes connections of clients that are too slow to be anyone's honest browser or script: a
/// request head not complete within `head` after the connection opened (or after the last answer on a
/// kept-alive connection, within `idle`), or a body part not arriving within `body` of the last one.
/// A handler in each connection's pipeline after HTTP decoding; its timer never runs while the
/// server itself works on a request.
final class SlowClientHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    struct Timeouts: Sendable {
        var head: Duration
        var body: Duration
        var idle: Duration
    }

    private let timeouts: Timeouts
    private var timer: Scheduled<Void>?

    init(_ timeouts: Timeouts) { self.timeouts = timeouts }

    private static func amount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    private func arm(_ context: ChannelHandlerContext, _ duration: Duration) {
        timer?.cancel()
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: Self.amount(duration)) { channel.close(promise: nil) }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context, timeouts.head) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context, timeouts.head)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head, .body: arm(context, timeouts.body)  // the next body part, or the end, must follow in time
        case .end: disarm()  // the server answers now: no client timer while it works
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { arm(context, timeouts.idle) }  // waiting for the next request
        context.write(data, promise: promise)
    }
}
