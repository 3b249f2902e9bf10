import Glibc
@testable import LanternCollectors
import LanternMetrics
@testable import LanternSystemd
import Testing

/// A bus that is not there, as on hosts and containers without systemd: which addresses
/// are checked for their socket file before sd-bus connects, and what the scrape says.
@Suite struct AbsentBusTests {
    @Test func onlyPlainUnixPathsAreCheckedBeforeConnecting() {
        #expect(BusEndpoint.socketPath(of: "unix:path=/run/dbus/system_bus_socket") == "/run/dbus/system_bus_socket")
        #expect(BusEndpoint.socketPath(of: "unix:path=/run/systemd/private") == "/run/systemd/private")
        // Escaped bytes, further keys, several addresses, other transports: sd-bus reads them.
        #expect(BusEndpoint.socketPath(of: "unix:path=/run/a%2db") == nil)
        #expect(BusEndpoint.socketPath(of: "unix:path=/run/bus,guid=0123456789abcdef0123456789abcdef") == nil)
        #expect(BusEndpoint.socketPath(of: "unix:path=/run/a;unix:path=/run/b") == nil)
        #expect(BusEndpoint.socketPath(of: "unix:abstract=/tmp/dbus-x") == nil)
        #expect(BusEndpoint.socketPath(of: "tcp:host=localhost,port=1") == nil)
        #expect(BusEndpoint.socketPath(of: "unix:path=") == nil)
        #expect(BusEndpoint.socketPath(of: "") == nil)
    }

    @Test func aPathThroughAFileFailsAsConnectWould() throws {
        let directory = try TemporaryDirectory("lantern-notdir")
        try directory.write("file", "")
        let address = "unix:path=\(directory.path)/file/bus"
        let error = try #require(throws: BusError.self) {
            try BusConnectionTests.busID(BusConnection(endpoint: .bus(address: address), timeout: 5))
        }
        #expect(error.errno == ENOTDIR)
        #expect(error.description == "connecting to \(address): Not a directory")
    }

    /// A file that exists is left to sd-bus, whose connect(2) is refused: the check only
    /// answers for what is not there.
    @Test func aFileThatIsNotASocketIsRefusedBySdBus() throws {
        let directory = try TemporaryDirectory("lantern-notsocket")
        try directory.write("bus", "")
        let address = "unix:path=\(directory.path)/bus"
        let error = try #require(throws: BusError.self) {
            try BusConnectionTests.busID(BusConnection(endpoint: .bus(address: address), timeout: 5))
        }
        #expect(error.errno == ECONNREFUSED)
        #expect(error.description == "connecting to \(address): Connection refused")
    }

    /// An escaped address is not checked: sd-bus unescapes it and fails the same way.
    @Test func anEscapedAbsentPathFailsThroughSdBus() throws {
        let directory = try TemporaryDirectory("lantern-escaped")
        let address = "unix:path=\(directory.path)/ab%73ent"
        let error = try #require(throws: BusError.self) {
            try BusConnectionTests.busID(BusConnection(endpoint: .bus(address: address), timeout: 5))
        }
        #expect(error.errno == ENOENT)
        #expect(error.description == "connecting to \(address): No such file or directory")
    }

    @Test func everyAddressTriedIsNamedWhenNoneAnswers() {
        let first = BusError(name: "", message: "connecting to unix:path=/run/dbus/system_bus_socket: No such file or directory", errno: ENOENT)
        let second = BusError(name: "", message: "connecting to unix:path=/run/systemd/private: Connection refused", errno: ECONNREFUSED)
        let both = BusError(combining: [first, second])
        #expect(both.description == "connecting to unix:path=/run/dbus/system_bus_socket: No such file or directory; "
            + "connecting to unix:path=/run/systemd/private: Connection refused")
        #expect(both.errno == ECONNREFUSED)
        #expect(BusError(combining: [first]) == first)
        #expect(BusError(combining: []).errno == EINVAL)
    }

    /// The systemd collector on a host without systemd: the scrape fails (collector success
    /// 0, as node_exporter) saying which socket is missing, and again on the next scrape.
    @Test func theSystemdCollectorFailsNamingTheMissingSocket() throws {
        let directory = try TemporaryDirectory("lantern-nosystemd")
        var options = SystemdCollector.Options()
        options.endpoint = .bus(address: "unix:path=\(directory.path)/system_bus_socket")
        let collector = try SystemdCollector(options: options, logger: testLogger)
        let registry = Registry(collectors: [NamedCollector(name: "systemd", collector: collector)], timeoutSeconds: 10)
        for _ in 0..<2 {
            let outcome = try #require(registry.gather().outcomes.first)
            #expect(!outcome.succeeded)
            #expect(outcome.status == .failed(
                "couldn't read systemd over D-Bus: connecting to unix:path=\(directory.path)/system_bus_socket: No such file or directory"))
        }
    }
}
