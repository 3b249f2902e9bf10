import Foundation
@testable import LanternCollectors
import LanternMetrics
import Testing

/// The logind collector against a stand-in logind on a private bus (the systemd sandbox
/// masks systemd-logind: a real one would manage the host's seats and devices).
@Suite struct LogindTests {
    /// A login1 service with two seats and sessions of every kind, including unknown
    /// type and class values (counted as "other") and a remote one on no seat.
    static let fakeLogind = """
        import sys, dbus, dbus.service, dbus.mainloop.glib
        from gi.repository import GLib
        dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
        bus = dbus.bus.BusConnection(sys.argv[1])
        name = dbus.service.BusName("org.freedesktop.login1", bus)
        SESSIONS = [
            ("1", "seat0", False, "x11", "user"),
            ("2", "seat0", False, "x11", "user"),
            ("3", "seat0", False, "wayland", "greeter"),
            ("4", "", True, "tty", "user"),
            ("5", "seat1", False, "hologram", "robot"),
        ]
        class Session(dbus.service.Object):
            def __init__(self, sid, remote, kind, cls):
                super().__init__(name, "/org/freedesktop/login1/session/_3" + sid)
                self.props = {"Remote": dbus.Boolean(remote), "Type": kind, "Class": cls, "Id": sid}
            @dbus.service.method("org.freedesktop.DBus.Properties", in_signature="s", out_signature="a{sv}")
            def GetAll(self, interface):
                return self.props
            @dbus.service.method("org.freedesktop.DBus.Properties", in_signature="ss", out_signature="v")
            def Get(self, interface, prop):
                return self.props[prop]
        class Manager(dbus.service.Object):
            @dbus.service.method("org.freedesktop.login1.Manager", out_signature="a(so)")
            def ListSeats(self):
                return [("seat0", "/org/freedesktop/login1/seat/seat0"), ("seat1", "/org/freedesktop/login1/seat/seat1")]
            @dbus.service.method("org.freedesktop.login1.Manager", out_signature="a(susso)")
            def ListSessions(self):
                return [(s[0], 1000, "user", s[1], "/org/freedesktop/login1/session/_3" + s[0]) for s in SESSIONS]
        manager = Manager(name, "/org/freedesktop/login1")
        sessions = [Session(s[0], s[2], s[3], s[4]) for s in SESSIONS]
        print("ready", flush=True)
        GLib.MainLoop().run()
        """

    static func startFakeLogind() throws -> PrivateBus {
        let bus = try PrivateBus()
        try bus.startPython(fakeLogind)
        return bus
    }

    @Test func countsSessionsBySeatRemoteTypeAndClass() throws {
        let bus = try Self.startFakeLogind()
        var options = LogindCollector.Options()
        options.endpoint = .bus(address: bus.address)
        let sink = MetricSink()
        try LogindCollector(options: options, logger: testLogger).collect(into: sink)
        let scraped = series(of: sink)
        // Every combination of 3 seats (seat0, seat1, none) x 2 x 7 x 5 is exposed.
        #expect(scraped.count == 3 * 2 * 7 * 5)
        func count(_ seat: String, _ remote: String, _ type: String, _ sessionClass: String) -> Double? {
            scraped[Series(name: "node_logind_sessions", labels: "class=\"\(sessionClass)\",remote=\"\(remote)\",seat=\"\(seat)\",type=\"\(type)\"")]
        }
        #expect(count("seat0", "false", "x11", "user") == 2)
        #expect(count("seat0", "false", "wayland", "greeter") == 1)
        #expect(count("", "true", "tty", "user") == 1)
        #expect(count("seat1", "false", "other", "other") == 1)
        #expect(scraped.values.reduce(0, +) == 5)
        #expect(sink.families.first?.help == "Number of sessions registered in logind.")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus-node-exporter")))
    func matchesDebiansNodeExporter() throws {
        let bus = try Self.startFakeLogind()
        let exposition = try scrapeDebianNodeExporter(busAddress: bus.address, arguments: ["--collector.logind"])
        let theirs = series(ofExposition: exposition, prefix: "node_logind_")
        var options = LogindCollector.Options()
        options.endpoint = .bus(address: bus.address)
        let sink = MetricSink()
        try LogindCollector(options: options, logger: testLogger).collect(into: sink)
        let ours = series(of: sink)
        #expect(Set(ours.keys) == Set(theirs.keys))
        #expect(ours.filter { theirs[$0.key] != $0.value }.isEmpty, "differ: \(ours.filter { theirs[$0.key] != $0.value })")
        #expect(theirs.values.reduce(0, +) == 5)
    }
}
