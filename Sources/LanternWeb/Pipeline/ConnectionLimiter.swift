import NIOConcurrencyHelpers
import NIOCore

/// At most `limit` connections open at once; the rest are closed as soon as they are
/// accepted, so a flood of idle or slow clients cannot take every file descriptor.
final class ConnectionLimiter: Sendable {
    let limit: Int
    private let open = NIOLockedValueBox(0)

    /// 0 means no limit.
    init(limit: Int) {
        self.limit = limit
    }

    /// Counts `channel` until it closes; false (and the channel closed) when over the limit.
    func admit(_ channel: any Channel) -> Bool {
        let admitted = open.withLockedValue { count in
            guard limit <= 0 || count < limit else { return false }
            count += 1
            return true
        }
        guard admitted else {
            channel.close(promise: nil)
            return false
        }
        channel.closeFuture.whenComplete { _ in self.open.withLockedValue { $0 -= 1 } }
        return true
    }
}
