import Foundation
import Testing

/// The limits that keep the exporter answering under abuse: slow clients, huge headers,
/// too many connections.
@Suite("lantern-exporter connection limits", .serialized)
struct ConnectionLimitsTests {
    static let collectors = ["--collector.disable-defaults", "--collector.loadavg"]

    /// A connected loopback socket, closed on deinit.
    final class Connection {
        let fd: Int32

        init(port: Int) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw HTTPClient.Failure(description: "connect failed: errno \(errno)") }
        }

        /// False once the server has closed the connection.
        @discardableResult
        func send(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
        }

        /// Whether the server closed the connection within `seconds` (recv sees end of file or a reset).
        func closedByServer(within seconds: Int) -> Bool {
            var timeout = timeval(tv_sec: seconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count == 0 || (count < 0 && errno == ECONNRESET) { return true }
                if count < 0 { return false }
            }
        }

        deinit { close(fd) }
    }

    @Test func twoHundredSlowClientsDoNotStopAScrape() throws {
        let exporter = try Exporter.onFixtures(Self.collectors + ["--web.read-header-timeout=4s"])
        let clients = try (0..<200).map { _ in try Connection(port: exporter.port) }
        let request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + String(repeating: "a", count: 40)
        var scrapes: [Int] = []
        // One byte a second from every slow client; a normal scrape each second meanwhile.
        for second in 0..<6 {
            for client in clients { client.send(String(request[request.index(request.startIndex, offsetBy: second)])) }
            let started = Date()
            scrapes.append(try HTTPClient.get(port: exporter.port, "/metrics", timeoutSeconds: 5).status)
            #expect(Date().timeIntervalSince(started) < 2, "a scrape waited behind the slow clients")
            Thread.sleep(forTimeInterval: max(0, 1 - Date().timeIntervalSince(started)))
        }
        #expect(scrapes == Array(repeating: 200, count: 6))
        // The header timeout has passed: the server closed every slow connection.
        let closed = clients.filter { $0.closedByServer(within: 2) }.count
        #expect(closed == 200)
    }

    @Test func headersLargerThanTheLimitAreRefused() throws {
        let exporter = try Exporter.onFixtures(Self.collectors + ["--web.max-header-bytes=1024"])
        let big = try HTTPClient.get(port: exporter.port, "/metrics", headers: [("X-Big", String(repeating: "b", count: 2000))])
        #expect(big.status == 400)
        #expect(try exporter.get().status == 200)
    }

    @Test func connectionsPastTheLimitAreClosedAtOnce() throws {
        let exporter = try Exporter.onFixtures(Self.collectors + ["--web.max-connections=3"])
        var held = try (0..<3).map { _ in try Connection(port: exporter.port) }
        Thread.sleep(forTimeInterval: 0.2)
        let extra = try Connection(port: exporter.port)
        #expect(extra.closedByServer(within: 2))
        held.removeFirst()  // closes it: room for one more once the server has seen the close
        var status: Int?
        let deadline = Date().addingTimeInterval(10)
        while status == nil && Date() < deadline {
            status = try? exporter.get().status
            if status == nil { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(status == 200)
    }
}
