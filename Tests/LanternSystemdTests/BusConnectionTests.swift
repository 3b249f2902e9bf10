import Foundation
import Glibc
import LanternSystemd
import Testing

/// The sd-bus bridge against a private dbus-daemon: typed reads, error names, timeouts,
/// reconnection and concurrent use.
@Suite struct BusConnectionTests {
    static let driver = (destination: "org.freedesktop.DBus", path: "/org/freedesktop/DBus", interface: "org.freedesktop.DBus")

    static func busID(_ connection: BusConnection) throws -> String {
        try connection.withSession { session throws(BusError) in
            try session.call(destination: driver.destination, path: driver.path, interface: driver.interface, member: "GetId")
                .readString()
        }
    }

    @Test func readsRepliesAndPropertiesOfTheBusDriver() throws {
        let bus = try PrivateBus()
        let connection = BusConnection(endpoint: .bus(address: bus.address), timeout: 2)
        #expect(try Self.busID(connection).count == 32)
        let properties = try connection.withSession { session throws(BusError) in
            try session.properties(destination: Self.driver.destination, path: Self.driver.path, interface: Self.driver.interface)
        }
        // The driver's properties are string arrays: kept as their signature.
        #expect(properties["Features"] == .unsupported("as"))
        let names = try connection.withSession { session throws(BusError) in
            try session.call(destination: Self.driver.destination, path: Self.driver.path, interface: Self.driver.interface, member: "ListNames")
                .readArray(of: "s") { message throws(BusError) in try message.readString() }
        }
        #expect(names.contains("org.freedesktop.DBus"))
    }

    @Test func errorRepliesCarryTheDBusNameAndMessage() throws {
        let bus = try PrivateBus()
        let connection = BusConnection(endpoint: .bus(address: bus.address), timeout: 2)
        let error = try #require(throws: BusError.self) {
            try connection.withSession { session throws(BusError) in
                try session.properties(destination: "org.lantern.Absent", path: "/", interface: "org.lantern.Absent")
            }
        }
        #expect(error.name == "org.freedesktop.DBus.Error.ServiceUnknown")
        #expect(error.description.contains("org.lantern.Absent"))
        #expect(!error.isTimeout)
        // The connection survives an error reply.
        #expect(try Self.busID(connection).count == 32)
    }

    @Test func aCallThatIsNeverAnsweredTimesOut() throws {
        let bus = try PrivateBus()
        try bus.startSilentService(owning: "org.lantern.Silent")
        let connection = BusConnection(endpoint: .bus(address: bus.address), timeout: 0.5)
        let started = Date()
        let error = try #require(throws: BusError.self) {
            try connection.withSession { session throws(BusError) in
                try session.properties(destination: "org.lantern.Silent", path: "/", interface: "org.lantern.Silent")
            }
        }
        let elapsed = Date().timeIntervalSince(started)
        #expect(error.isTimeout, "\(error)")
        #expect(error.name == "org.freedesktop.DBus.Error.Timeout")
        #expect(elapsed >= 0.4 && elapsed < 3, "took \(elapsed) s")
        // The same connection still serves other peers.
        #expect(try Self.busID(connection).count == 32)
    }

    @Test func pipelinedGetsAnswerInRequestOrderEachWithItsOwnError() throws {
        let bus = try PrivateBus()
        let connection = BusConnection(endpoint: .bus(address: bus.address), timeout: 2)
        let known = PropertyRequest(path: Self.driver.path, interface: Self.driver.interface, name: "Features")
        let unknown = PropertyRequest(path: Self.driver.path, interface: Self.driver.interface, name: "NoSuchProperty")
        // More calls than the window: later ones go out as earlier answers come in.
        let requests = (0..<100).map { $0 % 10 == 3 ? unknown : known }
        let results = try connection.withSession { session throws(BusError) in
            try session.getProperties(requests, destination: Self.driver.destination, window: 8)
        }
        #expect(results.count == requests.count)
        for (request, result) in zip(requests, results) {
            switch result {
            case .success(let value):
                #expect(request == known && value == .unsupported("as"))
            case .failure(let error):
                #expect(request == unknown && !error.name.isEmpty && !error.isTimeout, "\(error)")
            }
        }
        #expect(try connection.withSession { session throws(BusError) in
            try session.getProperties([], destination: Self.driver.destination)
        }.isEmpty)
    }

    @Test func pipelinedGetsThatAreNeverAnsweredTimeOutAndTheConnectionStaysUsable() throws {
        let bus = try PrivateBus()
        try bus.startSilentService(owning: "org.lantern.Silent")
        let connection = BusConnection(endpoint: .bus(address: bus.address), timeout: 0.5)
        let silent = PropertyRequest(path: "/", interface: "org.lantern.Silent", name: "Anything")
        let results = try connection.withSession { session throws(BusError) in
            try session.getProperties([silent, silent, silent], destination: "org.lantern.Silent")
        }
        #expect(results.count == 3)
        for result in results {
            guard case .failure(let error) = result else {
                Issue.record("a call nobody answers succeeded")
                continue
            }
            #expect(error.isTimeout, "\(error)")
        }
        #expect(try Self.busID(connection).count == 32)
    }

    @Test func anAbsentBusFailsAtOnceWithTheSocketError() throws {
        let directory = try TemporaryDirectory("lantern-nobus")
        let connection = BusConnection(endpoint: .bus(address: "unix:path=\(directory.path)/absent"), timeout: 5)
        let started = Date()
        let error = try #require(throws: BusError.self) { try Self.busID(connection) }
        #expect(error.errno == ENOENT)
        #expect(error.description.contains("absent"))
        // Failed by itself, not by the 5 s timeout running out.
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func aPeerThatNeverAuthenticatesCostsOneTimeout() throws {
        // A listening socket nobody accepts on: connect succeeds, authentication never ends.
        let directory = try TemporaryDirectory("lantern-mute")
        let path = directory.path + "/mute"
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() where index < raw.count - 1 { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        #expect(listen(listener, 4) == 0)
        let connection = BusConnection(endpoint: .bus(address: "unix:path=\(path)"), timeout: 0.5)
        let started = Date()
        let error = try #require(throws: BusError.self) { try Self.busID(connection) }
        #expect(error.isTimeout, "\(error)")
        #expect(Date().timeIntervalSince(started) < 3)
    }

    @Test func reconnectsTransparentlyAfterTheBusRestarts() throws {
        let directory = try TemporaryDirectory("lantern-restart")
        let socketPath = directory.path + "/bus"
        var bus: PrivateBus? = try PrivateBus(socketPath: socketPath)
        let connection = BusConnection(endpoint: .bus(address: "unix:path=\(socketPath)"), timeout: 2)
        let first = try Self.busID(connection)
        bus = nil  // the daemon exits; the kept connection is now dead
        unlink(socketPath)
        #expect(throws: BusError.self) { try Self.busID(connection) }
        bus = try PrivateBus(socketPath: socketPath)
        let second = try Self.busID(connection)
        #expect(second.count == 32 && second != first)
        _ = bus
    }

    @Test func aKeptConnectionThatBrokeIsReplacedWithinTheSameCall() throws {
        let directory = try TemporaryDirectory("lantern-replace")
        let socketPath = directory.path + "/bus"
        var bus: PrivateBus? = try PrivateBus(socketPath: socketPath)
        let connection = BusConnection(endpoint: .bus(address: "unix:path=\(socketPath)"), timeout: 2)
        _ = try Self.busID(connection)
        bus = nil
        unlink(socketPath)
        bus = try PrivateBus(socketPath: socketPath)
        // The first call after the restart already succeeds: the broken connection is
        // detected and replaced before the caller sees an error.
        #expect(try Self.busID(connection).count == 32)
        _ = bus
    }

    @Test func concurrentCallersShareOneConnection() throws {
        let bus = try PrivateBus()
        let connection = BusConnection(endpoint: .bus(address: bus.address), timeout: 2)
        let expected = try Self.busID(connection)
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<50 {
                if (try? Self.busID(connection)) != expected { failures.add() }
            }
        }
        #expect(failures.count == 0)
    }
}

/// A thread-safe failure counter.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func add() { lock.withLock { value += 1 } }
    var count: Int { lock.withLock { value } }
}
