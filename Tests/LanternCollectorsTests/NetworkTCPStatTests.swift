import Glibc
@testable import LanternCollectors
import LanternFlags
import LanternMetrics
import Testing

/// An inet_diag_msg as the kernel lays it out (72 bytes), wrapped in its netlink header.
private func diagMessage(state: UInt8, sourcePort: UInt16 = 0, destinationPort: UInt16 = 0,
                         receiveQueue: UInt32 = 0, sendQueue: UInt32 = 0, length: Int = 72) -> NetlinkMessage {
    var body: [UInt8] = [UInt8(AF_INET), state, 0, 0]
    body.appendNative(sourcePort.bigEndian)
    body.appendNative(destinationPort.bigEndian)
    body += [UInt8](repeating: 0, count: 56 - body.count)
    body.appendNative(receiveQueue)
    body.appendNative(sendQueue)
    body += [UInt8](repeating: 0, count: 8)
    return NetlinkMessage(type: InetDiagSocket.socketDiagByFamily, flags: 2, sequence: 1, portID: 0, payload: body.prefix(length))
}

@Suite struct NetworkTCPStatTests {
    @Test func requestAsksForEveryTCPStateWithInfo() {
        let request = InetDiagSocket.request(family: AF_INET6)
        #expect(request.count == 56)
        #expect(Array(request.prefix(8)) == [UInt8(AF_INET6), 6, 2, 0, 0xff, 0x0f, 0, 0])
        #expect(request.dropFirst(8).allSatisfy { $0 == 0 })
    }

    @Test func parsesStateQueuesAndPorts() throws {
        let socket = try #require(InetDiagSocket.parse(diagMessage(
            state: 1, sourcePort: 9100, destinationPort: 40_000, receiveQueue: 7, sendQueue: 300)))
        #expect(socket == InetDiagSocket(state: 1, receiveQueue: 7, sendQueue: 300, sourcePort: 9100, destinationPort: 40_000))
    }

    @Test func shortOrForeignMessagesAreSkipped() {
        #expect(InetDiagSocket.parse(diagMessage(state: 1, length: 63)) == nil)
        #expect(InetDiagSocket.parse(diagMessage(state: 1, length: 0)) == nil)
        var foreign = diagMessage(state: 1)
        foreign.type = 16
        #expect(InetDiagSocket.parse(foreign) == nil)
        #expect(InetDiagSocket.parse(diagMessage(state: 1, length: 64)) != nil)
    }

    @Test func totalsUseNodeExporterStateNames() {
        let sockets = [
            InetDiagSocket(state: 10, receiveQueue: 2, sendQueue: 128, sourcePort: 22, destinationPort: 0),
            InetDiagSocket(state: 1, receiveQueue: 5, sendQueue: 0, sourcePort: 22, destinationPort: 5000),
            InetDiagSocket(state: 1, receiveQueue: 0, sendQueue: 9, sourcePort: 5000, destinationPort: 22),
            InetDiagSocket(state: 6, receiveQueue: 0, sendQueue: 0, sourcePort: 1, destinationPort: 2),
            InetDiagSocket(state: 0, receiveQueue: 0, sendQueue: 0, sourcePort: 1, destinationPort: 2),
            InetDiagSocket(state: 200, receiveQueue: 0, sendQueue: 0, sourcePort: 1, destinationPort: 2),
        ]
        #expect(TCPStatCollector.totals(sockets) == [
            "listen": 1, "established": 2, "time_wait": 1, "unknown": 2, "rx_queued_bytes": 7, "tx_queued_bytes": 137,
        ])
        #expect(TCPStatCollector.totals([]).isEmpty)
    }

    @Test func ipv6IsDumpedOnlyWhenProcNetTCP6Exists() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("proc/net/tcp", "")
        let families = FamilyLog()
        let dump: @Sendable (Int32) throws(NetlinkError) -> [InetDiagSocket] = { family in
            families.append(family)
            return [InetDiagSocket(state: 10, receiveQueue: 0, sendQueue: 4, sourcePort: 1, destinationPort: 0)]
        }
        let paths = HostPaths(procfs: scratch.path + "/proc")
        let sink = MetricSink()
        try TCPStatCollector(paths: paths, dump: dump).collect(into: sink)
        #expect(families.values == [AF_INET])
        #expect(Exposition.collected(from: sink).samples.map(\.description) == [
            "node_tcp_connection_states{state=\"listen\"} 1.0",
            "node_tcp_connection_states{state=\"rx_queued_bytes\"} 0.0",
            "node_tcp_connection_states{state=\"tx_queued_bytes\"} 4.0",
        ])

        try scratch.write("proc/net/tcp6", "")
        let both = MetricSink()
        try TCPStatCollector(paths: paths, dump: dump).collect(into: both)
        #expect(families.values == [AF_INET, AF_INET, AF_INET6])
        #expect(Exposition.collected(from: both).samples.first?.value == 2)
    }

    @Test func dumpFailuresNameTheFamily() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("proc/net/tcp6", "")
        let paths = HostPaths(procfs: scratch.path + "/proc")
        @Sendable func failing(family: Int32) throws(NetlinkError) -> [InetDiagSocket] {
            if family == AF_INET6 { throw NetlinkError("netlink recv: boom") }
            return []
        }
        #expect { try TCPStatCollector(paths: paths, dump: failing).collect(into: MetricSink()) } throws: { error in
            "\(error)" == "couldn't get tcp6stats: netlink recv: boom"
        }
    }

    /// Real sockets on loopback: a listener, a connection with unread bytes, over IPv4 and IPv6.
    @Test(arguments: [AF_INET, AF_INET6])
    func liveLoopbackSocketsAreCounted(family: Int32) throws {
        let pair = try LoopbackConnection(family: family, unreadBytes: 100)
        let sockets = try InetDiagSocket.dumpTCP(family: family)
        let listener = sockets.first { $0.sourcePort == pair.port && $0.state == 10 }
        let client = sockets.first { $0.destinationPort == pair.port && $0.state == 1 }
        let server = sockets.first { $0.sourcePort == pair.port && $0.state == 1 }
        #expect(listener != nil)
        #expect(client != nil)
        #expect(server?.receiveQueue == 100)

        let sink = try scrape("tcpstat", paths: HostPaths(), flags: defaultFlags(["collector.tcpstat": "true"]))
        let values = Dictionary(uniqueKeysWithValues: Exposition.collected(from: sink).samples.map { ($0.labels, $0.value) })
        #expect((values["state=\"listen\""] ?? 0) >= 1)
        #expect((values["state=\"established\""] ?? 0) >= 2)
        #expect((values["state=\"rx_queued_bytes\""] ?? 0) >= 100)

        pair.closeAll()
        // A child another test forks at that moment holds the listener until its exec
        // closes it (the sockets are close-on-exec): look again briefly, not forever.
        var listening = true
        for _ in 0..<100 where listening {
            listening = try InetDiagSocket.dumpTCP(family: family).contains { $0.sourcePort == pair.port && $0.state == 10 }
            if listening { usleep(10_000) }
        }
        #expect(!listening, "the listener is still there after close: \(shell("ss -tlnpe 'sport = :\(pair.port)'").output)")
    }
}

private final class FamilyLog: @unchecked Sendable {
    private let lock = TestMutex()
    var values: [Int32] { lock.withLock { stored } }
    private var stored: [Int32] = []
    func append(_ value: Int32) { lock.withLock { stored.append(value) } }
}

/// A pthread mutex, enough for a test's bookkeeping without Foundation.
private final class TestMutex: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func withLock<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}

/// A listening socket on the loopback address of `family`, one client connected to it,
/// the accepted server side, and `unreadBytes` sent by the client that nobody reads.
private final class LoopbackConnection {
    let port: UInt16
    private var descriptors: [Int32] = []

    init(family: Int32, unreadBytes: Int) throws {
        let listener = try Self.open(family)
        descriptors.append(listener)
        var address = Self.loopback(family, port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        guard Self.call(&address, { bind(listener, $0, socklen_t(family == AF_INET ? 16 : 28)) }) == 0,
              listen(listener, 4) == 0,
              Self.call(&address, { getsockname(listener, $0, &length) }) == 0 else {
            throw CollectorError("cannot listen on loopback: errno \(errno)")
        }
        port = withUnsafeBytes(of: address) { UInt16(bigEndian: $0.loadUnaligned(fromByteOffset: 2, as: UInt16.self)) }
        let client = try Self.open(family)
        descriptors.append(client)
        guard Self.call(&address, { connect(client, $0, length) }) == 0 else { throw CollectorError("connect: errno \(errno)") }
        let server = accept(listener, nil, nil)
        guard server >= 0 else { throw CollectorError("accept: errno \(errno)") }
        _ = fcntl(server, F_SETFD, FD_CLOEXEC)
        descriptors.append(server)
        let payload = [UInt8](repeating: 0x61, count: unreadBytes)
        guard send(client, payload, payload.count, 0) == payload.count else { throw CollectorError("send: errno \(errno)") }
        // Let the loopback delivery land in the server's receive queue.
        var waited = 0
        while waited < 200, Self.pending(server) < unreadBytes {
            usleep(10_000)
            waited += 1
        }
    }

    func closeAll() {
        for descriptor in descriptors { close(descriptor) }
        descriptors = []
    }

    deinit { closeAll() }

    private static func pending(_ descriptor: Int32) -> Int {
        var count: Int32 = 0
        return ioctl(descriptor, UInt(FIONREAD), &count) == 0 ? Int(count) : 0
    }

    /// Close-on-exec: the parallel tests start processes (ip, FUSE servers, shells), and a
    /// listener inherited by one outlives `closeAll` for as long as that process runs.
    private static func open(_ family: Int32) throws -> Int32 {
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw CollectorError("socket: errno \(errno)") }
        return descriptor
    }

    private static func loopback(_ family: Int32, port: UInt16) -> sockaddr_storage {
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { bytes in
            bytes.storeBytes(of: sa_family_t(family), toByteOffset: 0, as: sa_family_t.self)
            bytes.storeBytes(of: port.bigEndian, toByteOffset: 2, as: UInt16.self)
            if family == AF_INET {
                bytes.storeBytes(of: UInt32(0x7f00_0001).bigEndian, toByteOffset: 4, as: UInt32.self)
            } else {
                bytes[8 + 15] = 1  // ::1
            }
        }
        return storage
    }

    private static func call(_ address: inout sockaddr_storage, _ body: (UnsafeMutablePointer<sockaddr>) -> Int32) -> Int32 {
        withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body) }
    }
}
