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

    /// Addresses that cannot be connected to, and the error each gets: a path through a
    /// file (found by the check, as connect(2) would say it), a file that is not a socket
    /// (it exists: left to sd-bus, whose connect is refused), an escaped absent path (not
    /// checked: sd-bus unescapes it and fails the same way).
    @Test(arguments: [
        (file: "file", path: "file/bus", errno: ENOTDIR, reason: "Not a directory"),
        (file: "bus", path: "bus", errno: ECONNREFUSED, reason: "Connection refused"),
        (file: nil, path: "ab%73ent", errno: ENOENT, reason: "No such file or directory"),
    ] as [(file: String?, path: String, errno: Int32, reason: String)])
    func unreachableAddressesFailWithTheSocketError(file: String?, path: String, errno: Int32, reason: String) throws {
        let directory = try TemporaryDirectory("lantern-unreachable")
        if let file { try directory.write(file, "") }
        let address = "unix:path=\(directory.path)/\(path)"
        let error = try #require(throws: BusError.self) {
            try BusConnectionTests.busID(BusConnection(endpoint: .bus(address: address), timeout: 5))
        }
        #expect(error.errno == errno)
        #expect(error.description == "connecting to \(address): \(reason)")
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
