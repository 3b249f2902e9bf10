import Glibc
@testable import LanternCollectors
import LanternFlags
import LanternMetrics
@testable import LanternSupport
import Testing

func samples(_ sink: MetricSink, _ name: String) -> [Sample] {
    Exposition.collected(from: sink).samples.filter { $0.name == name }
}

/// A veth pair made for one test and removed after it; nil when `ip` is missing or the
/// kernel refuses (no CAP_NET_ADMIN).
final class TemporaryVeth {
    let name: String

    init?(suffix: String) {
        name = "lnt\(getpid() % 100_000)\(suffix)"
        guard access("/usr/sbin/ip", X_OK) == 0 || access("/sbin/ip", X_OK) == 0 else { return nil }
        guard Self.ip("link add \(name) type veth peer name \(name)p") else { return nil }
    }

    func remove() { _ = Self.ip("link del \(name)") }
    deinit { remove() }

    @discardableResult
    static func ip(_ arguments: String) -> Bool {
        system("ip \(arguments) >/dev/null 2>&1") == 0
    }
}

@Suite struct NetdevCollectorTests {
    static func isNetdevFamily(_ name: String) -> Bool {
        (name.hasPrefix("node_network_receive_") || name.hasPrefix("node_network_transmit_")) && name.hasSuffix("_total")
    }
    static let liveSamples: Set<String> = [
        "node_network_receive_bytes_total", "node_network_receive_packets_total",
        "node_network_transmit_bytes_total", "node_network_transmit_packets_total",
    ]

    /// e2e: `--collector.netdev.device-include=lo` over netlink on this host's loopback.
    @Test func matchesE2EOutputOnTheLiveLoopback() throws {
        try expectE2EParity("netdev", families: Self.isNetdevFamily, skippedSamples: Self.liveSamples)
    }

    @Test func detailedMetricsUseTheKernelNames() throws {
        let sink = try scrape("netdev", flags: defaultFlags([
            "collector.netdev.device-include": "^lo$", "collector.netdev.enable-detailed-metrics": "true"]))
        let names = Set(sink.families.map(\.name))
        #expect(names.contains("node_network_receive_missed_errors_total"))
        #expect(names.contains("node_network_collisions_total"))
        #expect(!names.contains("node_network_receive_errs_total"))
        #expect(sink.families.count == 24)
    }

    @Test func excludeDropsTheDevice() throws {
        let sink = try scrape("netdev", flags: defaultFlags(["collector.netdev.device-exclude": "^lo$"]))
        #expect(!Exposition.collected(from: sink).samples.contains { $0.labels == "device=\"lo\"" })
    }

    @Test func includeAndExcludeTogetherFail() throws {
        let definition = try #require(CollectorTable.definition(named: "netdev"))
        let flags = try defaultFlags(["collector.netdev.device-exclude": "a", "collector.netdev.device-include": "b"])
        #expect(throws: CollectorError.self) {
            _ = try definition.make(CollectorContext(paths: Fixtures.paths, flags: flags, logger: testLogger))
        }
    }

    @Test func deprecatedWhitelistStandsInForInclude() throws {
        let sink = try scrape("netdev", flags: defaultFlags(["collector.netdev.device-whitelist": "^lo$"]))
        let devices = Set(Exposition.collected(from: sink).samples.map(\.labels))
        #expect(devices == ["device=\"lo\""])
        let definition = try #require(CollectorTable.definition(named: "netdev"))
        let both = try defaultFlags(["collector.netdev.device-whitelist": "a", "collector.netdev.device-include": "b"])
        #expect(throws: CollectorError.self) {
            _ = try definition.make(CollectorContext(paths: Fixtures.paths, flags: both, logger: testLogger))
        }
    }

    @Test func procNetDevFallback() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("proc/net/dev", """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo: 1000 10 1 2 3 4 5 6 2000 20 7 8 9 10 11 12
              eth0: 5 6 0 0 0 0 0 0 7 8 0 0 0 0 0 0

            """)
        let paths = HostPaths(procfs: scratch.path + "/proc", sysfs: scratch.path + "/sys")
        let sink = try scrape("netdev", paths: paths, flags: defaultFlags([
            "collector.netdev.netlink": "false", "collector.netdev.device-include": "lo"]))
        let lo = Exposition.collected(from: sink).samples
        #expect(lo.allSatisfy { $0.labels == "device=\"lo\"" })
        #expect(lo.count == 16)
        #expect(samples(sink, "node_network_receive_errs_total").first?.value == 1)
        #expect(samples(sink, "node_network_receive_drop_total").first?.value == 2)
        #expect(samples(sink, "node_network_transmit_colls_total").first?.value == 10)
        #expect(samples(sink, "node_network_transmit_carrier_total").first?.value == 11)
    }

    @Test func procNetDevMalformedLineIsAnError() {
        #expect {
            _ = try NetDev.parse("h1\nh2\n  lo: 1 2 3\n")
        } throws: { error in "\(error)".contains("lo: 3 fields, expected 16") }
        #expect(throws: KernelParseError.self) { _ = try NetDev.parse("h1\nh2\n  lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 x\n") }
    }

    @Test func legacyNamesSumTheDetailedCounters() {
        let layout = NetdevCollector.layout(of: LinkStatistics.names, legacy: true)
        var stats = LinkStatistics()
        func set(_ name: String, _ value: UInt64) { stats.counters[LinkStatistics.names.firstIndex(of: name)!] = value }
        set("receive_frame_errors", 1)
        set("receive_crc_errors", 2)
        set("receive_dropped", UInt64.max)
        set("receive_missed_errors", 1)
        func exposed(_ name: String) -> UInt64? {
            layout.first { $0.name == name }.map { $0.sources.reduce(0) { $0 &+ stats.counters[$1] } }
        }
        #expect(exposed("receive_frame") == 3)
        #expect(exposed("receive_drop") == 0) // wraps like Go's uint64 addition
        #expect(exposed("receive_frame_errors") == nil)
        #expect(layout.count == 17)
        // Every detailed counter is exposed exactly once, under one name or folded into one.
        #expect(layout.flatMap(\.sources).sorted() == Array(LinkStatistics.names.indices))
    }

    @Test func detailedLayoutIsTheSourceNames() {
        let layout = NetdevCollector.layout(of: NetDev.columns, legacy: false)
        #expect(layout.map(\.name) == NetDev.columns)
        #expect(layout.map(\.sources) == NetDev.columns.indices.map { [$0] })
    }

    /// /proc/net/dev's own names only have their errors and drops renamed.
    @Test func procNetDevLegacyLayoutRenamesErrorsAndDrops() {
        let layout = NetdevCollector.layout(of: NetDev.columns, legacy: true)
        #expect(layout.count == 16)
        #expect(Set(layout.map(\.name)) == Set(NetDev.columns.map {
            ["receive_errors": "receive_errs", "receive_dropped": "receive_drop",
             "transmit_errors": "transmit_errs", "transmit_dropped": "transmit_drop"][$0] ?? $0
        }))
        #expect(layout.allSatisfy { $0.sources.count == 1 })
    }

    @Test func addressInfoExposesLoopback() throws {
        let sink = try scrape("netdev", flags: defaultFlags([
            "collector.netdev.device-include": "^lo$", "collector.netdev.address-info": "true"]))
        let addresses = samples(sink, "node_network_address_info")
        #expect(addresses.contains { $0.labels == "address=\"127.0.0.1\",device=\"lo\",netmask=\"8\",scope=\"link-local\"" })
    }

    @Test func scopesFollowGo() {
        #expect(InterfaceAddress.scope(of: [10, 0, 0, 1]) == "global")
        #expect(InterfaceAddress.scope(of: [169, 254, 1, 1]) == "link-local")
        #expect(InterfaceAddress.scope(of: [239, 1, 1, 1]) == "")
        #expect(InterfaceAddress.scope(of: [0xfe, 0x80] + [UInt8](repeating: 0, count: 13) + [1]) == "link-local")
        #expect(InterfaceAddress.scope(of: [0xff, 0x01] + [UInt8](repeating: 0, count: 14)) == "interface-local")
        #expect(InterfaceAddress.scope(of: [0x20, 0x01] + [UInt8](repeating: 0, count: 14)) == "global")
    }

    @Test func labelIfAliasAddsTheSysfsAlias() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("sys/class/net/lo/ifalias", "loopback alias\n")
        let paths = HostPaths(procfs: "/proc", sysfs: scratch.path + "/sys")
        let sink = try scrape("netdev", paths: paths, flags: defaultFlags([
            "collector.netdev.device-include": "^lo$", "collector.netdev.label-ifalias": "true"]))
        #expect(samples(sink, "node_network_receive_errs_total").map(\.labels) == ["device=\"lo\",ifalias=\"loopback alias\""])
    }

    /// An interface that exists at one scrape and is gone at the next: the collector
    /// keeps working and simply stops exposing it.
    @Test func interfaceVanishingBetweenScrapes() throws {
        guard let veth = TemporaryVeth(suffix: "n") else {
            print("skipped: `ip link add ... type veth` is not available here")
            return
        }
        let flags = try defaultFlags(["collector.netdev.device-include": "^\(veth.name)$", "collector.netdev.label-ifalias": "true"])
        let collector = try #require(CollectorTable.definition(named: "netdev"))
            .make(CollectorContext(paths: HostPaths(), flags: flags, logger: testLogger))
        let before = MetricSink()
        try collector.collect(into: before)
        #expect(Exposition.collected(from: before).samples.contains { $0.labels.hasPrefix("device=\"\(veth.name)\"") })
        veth.remove()
        let after = MetricSink()
        try collector.collect(into: after)
        #expect(after.problems.isEmpty)
        #expect(!Exposition.collected(from: after).samples.contains { $0.labels.hasPrefix("device=\"\(veth.name)\"") })
    }
}

/// A sysfs root whose `class/net` entries are real symlinks into the fixture tree. The
/// shared fixture copy stores node_exporter's sysfs symlinks (such as `class/net/eth0`)
/// as regular files holding the link target; node_exporter's own run sees symlinks.
final class NetClassFixture {
    let root: String
    var paths: HostPaths { HostPaths(procfs: Fixtures.paths.procfs, sysfs: root + "/sys") }

    init() throws {
        var template = Array("/tmp/lantern-netclass-XXXXXX".utf8CString)
        guard let directory = mkdtemp(&template) else { throw CollectorError("mkdtemp failed") }
        root = String(cString: directory)
        let source = Fixtures.root + "/sys/class/net"
        let target = root + "/sys/class/net"
        guard system("mkdir -p '\(target)'") == 0 else { throw CollectorError("mkdir \(target) failed") }
        for name in try KernelFile.entries(of: source) {
            var destination = source + "/" + name
            let content = (try? KernelFile.read(destination)) ?? ""
            if !KernelFile.isDirectory(destination), content.hasPrefix("../") {
                destination = source + "/" + String(trimmed(content[...]))
            }
            symlink(destination, target + "/" + name)
        }
    }

    deinit { _ = system("rm -rf '\(root)'") }
}

@Suite struct NetclassCollectorTests {
    static func isNetclassFamily(_ name: String) -> Bool {
        name.hasPrefix("node_network_") && !NetdevCollectorTests.isNetdevFamily(name) && name != "node_network_address_info"
    }

    @Test func matchesE2EOutput() throws {
        let fixture = try NetClassFixture()
        let expected = try Exposition.expected(families: Self.isNetclassFamily)
        var actual = Exposition.collected(from: try scrape("netclass", paths: fixture.paths))
        actual.headers = actual.headers.filter { Self.isNetclassFamily($0.key) }
        #expect(actual.headers == expected.headers)
        #expect(actual.samples == expected.samples)
        for missing in Set(expected.samples).subtracting(actual.samples).sorted() { Issue.record("missing \(missing)") }
        for extra in Set(actual.samples).subtracting(expected.samples).sorted() { Issue.record("unexpected \(extra)") }
    }

    @Test func defaultFlagsKeepEveryInterfaceAndInvalidSpeed() throws {
        let fixture = try NetClassFixture()
        let sink = try scrape("netclass", paths: fixture.paths, flags: defaultFlags())
        let devices = Set(samples(sink, "node_network_up").map(\.labels))
        #expect(devices == ["device=\"bond0\"", "device=\"dmz\"", "device=\"eth0\"", "device=\"int\""])
        #expect(samples(sink, "node_network_speed_bytes").contains { $0.labels == "device=\"bond0\"" && $0.value == -125000 })
    }

    @Test func ignoredDevicesIsUnanchored() throws {
        let fixture = try NetClassFixture()
        let sink = try scrape("netclass", paths: fixture.paths, flags: defaultFlags(["collector.netclass.ignored-devices": "th"]))
        #expect(!samples(sink, "node_network_up").contains { $0.labels == "device=\"eth0\"" })
        #expect(samples(sink, "node_network_up").count == 3)
    }

    /// Interfaces are told from other entries of class/net by getdents's type and the
    /// O_DIRECTORY open of each, not by a stat(2): a directory and a link to one are
    /// interfaces; a regular file and a link to a file are not, and are no error.
    @Test func onlyDirectoriesAndLinksToThemAreInterfaces() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("sys/class/net/real0/operstate", "up\n")
        try scratch.write("sys/devices/virtual/net/linked0/operstate", "down\n")
        try scratch.write("sys/class/net/bonding_masters", "bond0\n")
        let classNet = scratch.path + "/sys/class/net"
        #expect(symlink(scratch.path + "/sys/devices/virtual/net/linked0", classNet + "/linked0") == 0)
        #expect(symlink(classNet + "/bonding_masters", classNet + "/fileLink") == 0)
        defer {
            unlink(classNet + "/linked0")
            unlink(classNet + "/fileLink")
            _ = system("rm -rf '\(scratch.path)/sys'")
        }
        let sink = try scrape("netclass", paths: HostPaths(procfs: "/nonexistent", sysfs: scratch.path + "/sys"))
        #expect(sink.problems.isEmpty)
        #expect(samples(sink, "node_network_up").map(\.labels).sorted() == ["device=\"linked0\"", "device=\"real0\""])
        #expect(samples(sink, "node_network_up").map(\.value).sorted() == [0, 1])
        #expect(try NetClass.interfaceNames(classDirectory: classNet) == ["linked0", "real0"])
    }

    @Test func missingClassDirectoryIsNoData() throws {
        let sink = try scrape("netclass", paths: HostPaths(procfs: "/nonexistent", sysfs: "/nonexistent/sys"))
        #expect(sink.families.isEmpty)
    }

    @Test func integerAttributesFollowGoParseInt() {
        let interface = NetClassInterface(name: "x", values: ["0x1303", "0x20", "1500", "bad", nil])
        #expect(interface.integer(at: 0) == 4867)
        #expect(interface.integer(at: 1) == 32)
        #expect(interface.integer(at: 2) == 1500)
        #expect(interface.integer(at: 3) == nil)
        #expect(interface.integer(at: 4) == nil)
    }

    /// The byte-wise path for plain decimals (LanternSupport's `plainDecimalInt64`, inside
    /// `goParseInt64`) and the general Go parse agree on what each reads.
    @Test func plainDecimalsAndEverythingElseReadAsGoParseInt() {
        let cases: [(String, Int64?)] = [
            ("0", 0), ("-0", 0), ("7", 7), ("-1", -1), ("1500", 1500), ("010", 8), ("0x1003", 4099), ("1_000", 1000),
            ("999999999999999999", 999_999_999_999_999_999), ("9223372036854775807", Int64.max), ("9223372036854775808", nil),
            ("", nil), ("-", nil), ("12a", nil), (" 1", nil), ("+5", 5),
        ]
        for (text, expected) in cases {
            #expect(NetClassInterface(name: "x", values: [text]).integer(at: 0) == expected, "\(text)")
        }
        #expect(plainDecimalInt64("010") == nil)
        #expect(plainDecimalInt64("0x10") == nil)
        #expect(plainDecimalInt64("1234567890123456789") == nil)
        #expect(plainDecimalInt64("-42") == -42)
    }

    /// The live /sys/class/net with an interface removed between two scrapes.
    @Test func interfaceVanishingBetweenScrapes() throws {
        guard let veth = TemporaryVeth(suffix: "c") else {
            print("skipped: `ip link add ... type veth` is not available here")
            return
        }
        let collector = try #require(CollectorTable.definition(named: "netclass"))
            .make(CollectorContext(paths: HostPaths(), flags: try defaultFlags(), logger: testLogger))
        let before = MetricSink()
        try collector.collect(into: before)
        #expect(samples(before, "node_network_up").contains { $0.labels == "device=\"\(veth.name)\"" })
        veth.remove()
        let after = MetricSink()
        try collector.collect(into: after)
        #expect(!samples(after, "node_network_up").contains { $0.labels == "device=\"\(veth.name)\"" })
        #expect(samples(after, "node_network_up").contains { $0.labels == "device=\"lo\"" })
    }
}

@Suite struct ARPCollectorTests {
    /// e2e: `--no-collector.arp.netlink --collector.arp.device-exclude=nope` on proc/net/arp.
    @Test func matchesE2EOutput() throws {
        try expectE2EParity("arp", families: { $0.hasPrefix("node_arp_") })
    }

    @Test func includeKeepsOnlyMatchingDevices() throws {
        let sink = try scrape("arp", flags: defaultFlags(["collector.arp.netlink": "false", "collector.arp.device-include": "1$"]))
        #expect(samples(sink, "node_arp_entries") == [Sample(name: "node_arp_entries", labels: "device=\"eth1\"", value: 3)])
    }

    @Test func withoutExcludeEveryDeviceCounts() throws {
        let sink = try scrape("arp", flags: defaultFlags(["collector.arp.netlink": "false"]))
        #expect(samples(sink, "node_arp_entries").map(\.labels).contains("device=\"nope\""))
    }

    @Test func malformedLineNamesTheProblem() {
        #expect {
            _ = try ProcNetARP.devices("IP address HW type Flags HW address Mask Device\n10.0.0.1 0x1 0x2\n")
        } throws: { error in "\(error)".contains("3 columns found, but expected 6") }
    }

    @Test func neighborMessageParsing() throws {
        var body = [UInt8](repeating: 0, count: RouteNeighbor.headerSize)
        body[0] = 2
        body[4] = 7
        body[8] = 0x80
        let message = NetlinkMessage(type: RouteNeighbor.newNeighbor, flags: 0, sequence: 0, portID: 0, payload: body[...])
        #expect(RouteNeighbor.parse(message) == RouteNeighbor(interfaceIndex: 7, state: 0x80))
        let short = NetlinkMessage(type: RouteNeighbor.newNeighbor, flags: 0, sequence: 0, portID: 0, payload: body[0..<8])
        #expect(RouteNeighbor.parse(short) == nil)
    }

    /// Devices are named per index (SIOCGIFNAME) on a netlink socket of any protocol; an
    /// index no device has is nil.
    @Test(arguments: [NetlinkSocket.route, NetlinkSocket.socketDiagnostics, NetlinkSocket.generic])
    func interfaceNamesByIndex(netlinkProtocol: Int32) throws {
        let loopback = Int32(if_nametoindex("lo"))
        try #require(loopback > 0)
        let socket = try NetlinkSocket(protocol: netlinkProtocol)
        #expect(socket.interfaceName(ofIndex: loopback) == "lo")
        #expect(socket.interfaceName(ofIndex: Int32.max) == nil)
        #expect(socket.interfaceName(ofIndex: 0) == nil)
        #expect(socket.interfaceName(ofIndex: -1) == nil)
    }

    /// The netlink path on this host: a permanent neighbour added on a veth is counted.
    @Test func liveNetlinkNeighbor() throws {
        guard let veth = TemporaryVeth(suffix: "a") else {
            print("skipped: `ip link add ... type veth` is not available here")
            return
        }
        try #require(TemporaryVeth.ip("neigh add 192.0.2.1 lladdr 02:00:00:00:00:01 dev \(veth.name) nud permanent"))
        let sink = try scrape("arp", paths: HostPaths(), flags: defaultFlags(["collector.arp.device-include": "^\(veth.name)$"]))
        #expect(samples(sink, "node_arp_entries") == [Sample(name: "node_arp_entries", labels: "device=\"\(veth.name)\"", value: 1)])
        #expect(samples(sink, "node_arp_states") == [
            Sample(name: "node_arp_states", labels: "device=\"\(veth.name)\",state=\"permanent\"", value: 1)])
    }
}

@Suite struct ProcNetCollectorTests {
    @Test(arguments: [("softnet", "node_softnet_"), ("conntrack", "node_nf_conntrack_"), ("bonding", "node_bonding_")])
    func matchesE2EOutput(collector: String, prefix: String) throws {
        try expectE2EParity(collector, families: { $0.hasPrefix(prefix) })
    }

    @Test(arguments: ["softnet", "conntrack", "bonding"])
    func sourceMissing(collector: String) throws {
        let paths = HostPaths(procfs: "/nonexistent/proc", sysfs: "/nonexistent/sys")
        if collector == "softnet" {
            #expect { _ = try scrape(collector, paths: paths) } throws: { "\($0)".contains("/nonexistent/proc/net/softnet_stat") }
        } else {
            #expect(try scrape(collector, paths: paths).families.isEmpty)
        }
    }

    @Test func softnetWithIndexColumn() throws {
        let cpus = try SoftnetStat.parse("00000010 00000001 00000002 0 0 0 0 0 00000003 00000004 00000005 00000006 00000007\n")
        #expect(cpus == [SoftnetCPU(processed: 16, dropped: 1, timeSqueezed: 2, cpuCollision: 3, receivedRPS: 4,
                                    flowLimitCount: 5, backlogLength: 6, index: 7)])
    }

    @Test func softnetMalformed() {
        #expect { _ = try SoftnetStat.parse("1 2 3\n") } throws: { "\($0)".contains("3 columns were detected, but at least 9") }
        #expect { _ = try SoftnetStat.parse("1 2 zz 0 0 0 0 0 0\n") } throws: { "\($0)".contains("time_squeezed \"zz\"") }
    }

    @Test func conntrackStatMalformed() {
        #expect { _ = try ConntrackStat.parse("entries found\n1 2 3\n") } throws: { "\($0)".contains("invalid number of fields: 3") }
        #expect { _ = try ConntrackStat.parse("entries found\n1 xyz\n") } throws: { "\($0)".contains("found \"xyz\"") }
        #expect(throws: KernelParseError.self) { _ = try ConntrackStat.parse("") }
    }

    @Test func bondingSkipsAMasterThatVanished() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("sys/class/net/bonding_masters", "gone bond1\n")
        try scratch.write("sys/class/net/bond1/bonding/slaves", "eth9\n")
        try scratch.write("sys/class/net/bond1/lower_eth9/bonding_slave/mii_status", "up\n")
        let sink = try scrape("bonding", paths: HostPaths(procfs: scratch.path + "/proc", sysfs: scratch.path + "/sys"))
        #expect(samples(sink, "node_bonding_active") == [Sample(name: "node_bonding_active", labels: "master=\"bond1\"", value: 1)])
        #expect(samples(sink, "node_bonding_slaves").count == 1)
    }
}
