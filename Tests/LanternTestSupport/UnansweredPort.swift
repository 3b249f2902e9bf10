import Foundation

/// A port on 127.0.0.1 where a connect never completes, as on a host that drops packets:
/// a listener with the smallest backlog that never accepts, its one queue slot taken by a
/// connection of its own, so the kernel drops every further SYN until the client gives up.
/// Needs no root, firewall or network namespace.
public final class UnansweredPort: @unchecked Sendable {
    public private(set) var port = 0
    private let listener: Int32
    private let queued: Int32

    public init() throws {
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        queued = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        // Backlog 0: the accept queue holds one connection.
        guard bound, listen(listener, 0) == 0 else { throw TestFailure("cannot listen on 127.0.0.1: errno \(errno)") }
        let connected = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(queued, $0, length) == 0 }
        }
        guard connected else { throw TestFailure("cannot fill the accept queue: errno \(errno)") }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(queued)
        close(listener)
    }
}
