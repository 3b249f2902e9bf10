import Glibc
@testable import LanternCollectors
import LanternFlags
import LanternMetrics
import LanternSupport
import Logging
import Testing

/// node_exporter's ethtool unit-test data (fixtures `ethtool/<device>/{driver,settings,statistics}`,
/// the text of `ethtool -i`, `ethtool` and `ethtool -S`) read the way its EthtoolFixture
/// reads them; a missing file is a driver without that command (EOPNOTSUPP).
struct EthtoolTextFixtures: EthtoolSource {
    let directory: String

    func driverInfo(_ device: String) throws(EthtoolError) -> EthtoolDriverInfo {
        var info = EthtoolDriverInfo()
        for (key, value) in try pairs(device, "driver") {
            switch key {
            case "driver": info.driver = value
            case "version": info.version = value
            case "firmware-version": info.firmwareVersion = value
            case "bus-info": info.busInfo = value
            case "expansion-rom-version": info.expansionROMVersion = value
            default: break
            }
        }
        return info
    }

    func statistics(_ device: String) throws(EthtoolError) -> [String: UInt64] {
        var result: [String: UInt64] = [:]
        for (key, value) in try pairs(device, "statistics") where key != "NIC statistics:" {
            guard let number = UInt64(value) else { throw EthtoolError("strconv.ParseUint: parsing \"\(value)\": invalid syntax") }
            if key == "ERROR" { throw EthtoolError("errno \(number)", errno: Int32(truncatingIfNeeded: number)) }
            result[key] = number
        }
        return result
    }

    func linkSettings(_ device: String) throws(EthtoolError) -> EthtoolLinkSettings {
        var settings = EthtoolLinkSettings(supported: 0, advertising: 0, autonegotiation: 0)
        var continuing: WritableKeyPath<EthtoolLinkSettings, UInt32>?
        for line in try lines(device, "settings") where !line.hasPrefix("Settings for") {
            let text = String(line.drop { $0 == " " || $0 == "\t" })
            if let field = continuing, !text.contains(":") {
                settings[keyPath: field] |= Self.modes(text)
                continue
            }
            continuing = nil
            let parts = text.components(": ")
            guard parts.count > 1 else { continue }
            let (key, value) = (parts[0], parts[1])
            switch key {
            case "Supported ports":
                let words = value.split { $0 == " " || $0 == "\t" }
                for port in EthtoolCollector.portModes where words.contains(Substring(port.type)) { settings.supported |= 1 << port.bit }
            case "Supported link modes", "Advertised link modes":
                let field: WritableKeyPath<EthtoolLinkSettings, UInt32> = key.hasPrefix("Supported") ? \.supported : \.advertising
                settings[keyPath: field] |= Self.modes(value)
                continuing = field
            case "Supported pause frame use", "Advertised pause frame use":
                let field: WritableKeyPath<EthtoolLinkSettings, UInt32> = key.hasPrefix("Supported") ? \.supported : \.advertising
                if value == "Symmetric" { settings[keyPath: field] |= 1 << EthtoolCollector.pauseBit }
                if value == "Receive-only" { settings[keyPath: field] |= 1 << EthtoolCollector.asymmetricPauseBit }
            case "Supports auto-negotiation" where value == "Yes":
                settings.supported |= 1 << EthtoolCollector.autonegotiateBit
            case "Advertised auto-negotiation" where value == "Yes":
                settings.advertising |= 1 << EthtoolCollector.autonegotiateBit
            case "Auto-negotiation" where value == "on":
                settings.autonegotiation = 1
            default:
                break
            }
        }
        return settings
    }

    /// "10baseT/Half 100baseT/Full" as link-mode bits.
    private static func modes(_ text: String) -> UInt32 {
        var bits: UInt32 = 0
        for word in text.split(separator: " ") {
            let parts = word.split(separator: "/")
            guard parts.count == 2 else { continue }
            for mode in EthtoolCollector.speedModes
            where "\(mode.megabits)base\(mode.layer)" == parts[0] && mode.duplex == parts[1].lowercased() {
                bits |= 1 << mode.bit
            }
        }
        return bits
    }

    private func lines(_ device: String, _ file: String) throws(EthtoolError) -> [Substring] {
        do throws(KernelFileError) {
            return try KernelFile.read(directory + "/" + device + "/" + file).split(separator: "\n").filter { !$0.hasPrefix("#") }
        } catch {
            throw error.isNotFound ? EthtoolError("operation not supported", errno: EOPNOTSUPP) : EthtoolError("\(error)")
        }
    }

    private func pairs(_ device: String, _ file: String) throws(EthtoolError) -> [(String, String)] {
        try lines(device, file).map { line in
            let parts = String(line.drop { $0 == " " }).components(": ")
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
    }
}

private extension String {
    /// Go's strings.Split on a multi-character separator.
    func components(_ separator: String) -> [String] {
        split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    }
}

/// What a collector built on node_exporter's fixtures exposes, as text lines.
private func fixtureLines(_ options: EthtoolCollector.Options = EthtoolCollector.Options()) throws -> [String] {
    let collector = try EthtoolCollector(
        paths: Fixtures.paths, options: options, source: EthtoolTextFixtures(directory: Fixtures.root + "/ethtool"), logger: testLogger)
    let sink = MetricSink()
    try collector.collect(into: sink)
    #expect(sink.problems.isEmpty)
    return encodedLines(sink).filter { !$0.hasPrefix("#") }.sorted()
}

@Suite struct NetworkEthtoolTests {
    /// node_exporter's TestBuildEthtoolFQName cases.
    @Test(arguments: [
        ("port.rx_errors", "node_ethtool_port_received_errors"), ("rx_errors", "node_ethtool_received_errors"),
        ("Queue[0] AllocFails", "node_ethtool_queue_0_allocfails"), ("Tx LPI entry count", "node_ethtool_transmitted_lpi_entry_count"),
        ("port.VF_admin_queue_requests", "node_ethtool_port_vf_admin_queue_requests"), ("[3]: tx_bytes", "node_ethtool_3_transmitted_bytes"),
        ("     err", "node_ethtool_err"), ("rx_rx_tx", "node_ethtool_received_rx_transmitted"), ("xrx_tx1", "node_ethtool_xrx_tx1"),
    ])
    func metricNames(raw: String, expected: String) {
        #expect(EthtoolCollector.metricName(sanitizedMetricName(raw)) == expected)
    }

    /// node_exporter's TestEthToolCollector output, on the same fixtures.
    @Test func matchesNodeExporterUnitTest() throws {
        let expected = [
            #"node_ethtool_align_errors{device="eth0"} 0"#,
            #"node_ethtool_info{bus_info="0000:00:1f.6",device="eth0",driver="e1000e",expansion_rom_version="",firmware_version="0.5-4",version="5.11.0-22-generic"} 1"#,
            #"node_ethtool_port_received_dropped{device="eth0"} 12028"#,
            #"node_ethtool_received_broadcast{device="eth0"} 5792"#,
            #"node_ethtool_received_errors_total{device="eth0"} 0"#,
            #"node_ethtool_received_missed{device="eth0"} 401"#,
            #"node_ethtool_received_multicast{device="eth0"} 23973"#,
            #"node_ethtool_received_packets_total{device="eth0"} 1.260062e+06"#,
            #"node_ethtool_received_unicast{device="eth0"} 1.230297e+06"#,
            #"node_ethtool_transmitted_aborted{device="eth0"} 0"#,
            #"node_ethtool_transmitted_errors_total{device="eth0"} 0"#,
            #"node_ethtool_transmitted_multi_collisions{device="eth0"} 0"#,
            #"node_ethtool_transmitted_packets_total{device="eth0"} 961500"#,
            #"node_ethtool_transmitted_single_collisions{device="eth0"} 0"#,
            #"node_ethtool_transmitted_underrun{device="eth0"} 0"#,
            #"node_network_advertised_speed_bytes{device="eth0",duplex="full",mode="1000baseT"} 1.25e+08"#,
            #"node_network_advertised_speed_bytes{device="eth0",duplex="full",mode="100baseT"} 1.25e+07"#,
            #"node_network_advertised_speed_bytes{device="eth0",duplex="full",mode="10baseT"} 1.25e+06"#,
            #"node_network_advertised_speed_bytes{device="eth0",duplex="half",mode="100baseT"} 1.25e+07"#,
            #"node_network_advertised_speed_bytes{device="eth0",duplex="half",mode="10baseT"} 1.25e+06"#,
            #"node_network_asymmetricpause_advertised{device="eth0"} 0"#,
            #"node_network_asymmetricpause_supported{device="eth0"} 0"#,
            #"node_network_autonegotiate{device="eth0"} 1"#,
            #"node_network_autonegotiate_advertised{device="eth0"} 1"#,
            #"node_network_autonegotiate_supported{device="eth0"} 1"#,
            #"node_network_pause_advertised{device="eth0"} 1"#,
            #"node_network_pause_supported{device="eth0"} 1"#,
            #"node_network_supported_port_info{device="eth0",type="MII"} 1"#,
            #"node_network_supported_port_info{device="eth0",type="TP"} 1"#,
            #"node_network_supported_speed_bytes{device="eth0",duplex="full",mode="10000baseT"} 1.25e+09"#,
            #"node_network_supported_speed_bytes{device="eth0",duplex="full",mode="1000baseT"} 1.25e+08"#,
            #"node_network_supported_speed_bytes{device="eth0",duplex="full",mode="100baseT"} 1.25e+07"#,
            #"node_network_supported_speed_bytes{device="eth0",duplex="full",mode="10baseT"} 1.25e+06"#,
            #"node_network_supported_speed_bytes{device="eth0",duplex="half",mode="100baseT"} 1.25e+07"#,
            #"node_network_supported_speed_bytes{device="eth0",duplex="half",mode="10baseT"} 1.25e+06"#,
        ]
        let actual = try fixtureLines()
        for missing in Set(expected).subtracting(actual).sorted() { Issue.record("missing \(missing)") }
        for extra in Set(actual).subtracting(expected).sorted() { Issue.record("unexpected \(extra)") }
    }

    @Test func helpAndTypeOfStatistics() throws {
        let collector = try EthtoolCollector(
            paths: Fixtures.paths, options: EthtoolCollector.Options(), source: EthtoolTextFixtures(directory: Fixtures.root + "/ethtool"),
            logger: testLogger)
        let sink = MetricSink()
        try collector.collect(into: sink)
        let headers = Dictionary(uniqueKeysWithValues: sink.families.map { ($0.name, "\($0.type.rawValue) \($0.help)") })
        #expect(headers["node_ethtool_port_received_dropped"] == "untyped Network interface port_rx_dropped")
        #expect(headers["node_ethtool_received_errors_total"] == "untyped Number of received frames with errors")
        #expect(headers["node_network_autonegotiate"] == "gauge If this port is using autonegotiate")
        // "duplicate metric" and "duplicate_metric" sanitize to one name: both are dropped.
        #expect(headers["node_ethtool_duplicate_metric"] == nil)
    }

    @Test func metricsIncludeMatchesSanitizedNamesUnanchored() throws {
        var options = EthtoolCollector.Options()
        options.metricsInclude = "port_rx|multi_coll"
        let statistics = try fixtureLines(options).filter { $0.hasPrefix("node_ethtool_") && !$0.hasPrefix("node_ethtool_info") }
        #expect(statistics == [
            #"node_ethtool_port_received_dropped{device="eth0"} 12028"#, #"node_ethtool_transmitted_multi_collisions{device="eth0"} 0"#,
        ])
    }

    @Test func deviceIncludeAndExclude() throws {
        var exclude = EthtoolCollector.Options()
        exclude.deviceExclude = "eth"
        #expect(try fixtureLines(exclude).isEmpty)
        var include = EthtoolCollector.Options()
        include.deviceInclude = "^bond"
        #expect(try fixtureLines(include).isEmpty)
        include.deviceInclude = "th0"
        #expect(try fixtureLines(include).count == 35)
    }

    @Test func flagsReachTheCollectorThroughTheTable() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("sys/class/net/lnnone0/.keep", "")
        let paths = HostPaths(sysfs: scratch.path + "/sys")
        // The live source on a device that does not exist: errors are logged, nothing exposed.
        let sink = try scrape("ethtool", paths: paths, flags: defaultFlags(["collector.ethtool.device-exclude": "nothing"]))
        #expect(sink.families.isEmpty)
        #expect(throws: (any Error).self) {
            try scrape("ethtool", paths: paths, flags: defaultFlags(["collector.ethtool.metrics-include": "("]))
        }
        let flags = try defaultFlags()
        #expect(EthtoolFlags.options(from: flags).metricsInclude == ".*")
        #expect(EthtoolFlags.options(from: flags).deviceInclude.isEmpty)
    }

    @Test func missingOrEmptyNetClass() throws {
        let scratch = try ScratchDirectory()
        let options = EthtoolCollector.Options()
        let missing = try EthtoolCollector(paths: HostPaths(sysfs: scratch.path + "/absent"), options: options, logger: testLogger)
        try missing.collect(into: MetricSink())
        try scratch.write("sys/class/net/bonding_masters", "")
        let empty = try EthtoolCollector(paths: HostPaths(sysfs: scratch.path + "/sys"), options: options, logger: testLogger)
        #expect { try empty.collect(into: MetricSink()) } throws: { "\($0)" == "no network devices found" }
    }

    @Test func driverInfoAndSettingsBuffers() throws {
        var buffer = [UInt8](repeating: 0, count: EthtoolDriverInfo.size)
        for (offset, text) in [(4, "veth"), (36, "1.0"), (68, "fw"), (100, "0000:01:00.0"), (132, "rom")] {
            buffer.replaceSubrange(offset..<(offset + text.utf8.count), with: Array(text.utf8))
        }
        buffer.replaceSubrange(180..<184, with: withUnsafeBytes(of: UInt32(3)) { Array($0) })
        let info = try #require(EthtoolDriverInfo(buffer: buffer))
        #expect([info.driver, info.version, info.firmwareVersion, info.busInfo, info.expansionROMVersion] == ["veth", "1.0", "fw", "0000:01:00.0", "rom"])
        #expect(info.statisticsCount == 3)
        #expect(EthtoolDriverInfo(buffer: Array(buffer.prefix(100))) == nil)

        var settings = [UInt8](repeating: 0, count: EthtoolLinkSettings.size)
        settings.replaceSubrange(4..<12, with: withUnsafeBytes(of: UInt32(0x2c0)) { Array($0) } + withUnsafeBytes(of: UInt32(0x40)) { Array($0) })
        settings[18] = 1
        #expect(EthtoolLinkSettings(buffer: settings) == EthtoolLinkSettings(supported: 0x2c0, advertising: 0x40, autonegotiation: 1))
        #expect(EthtoolLinkSettings(buffer: Array(settings.prefix(18))) == nil)
    }

    @Test func statisticsBuffersArePairedWithinTheirCounts() {
        func native(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }
        func name(_ text: String) -> [UInt8] { Array(text.utf8) + [UInt8](repeating: 0, count: 32 - text.utf8.count) }
        let names = native(0x1b) + native(1) + native(3) + name("rx_packets") + name("peer_ifindex") + name("\0\0lead")
        let values = native(0x1d) + native(3) + [7, 9, 11].flatMap { withUnsafeBytes(of: UInt64($0)) { Array($0) } }
        #expect(Ethtool.statistics(names: names, values: values) == ["rx_packets": 7, "peer_ifindex": 9, "lead": 11])
        // Counts larger than the buffers stop at what is there; truncated headers give nothing.
        let lying = native(0x1b) + native(1) + native(500) + name("rx_packets")
        #expect(Ethtool.statistics(names: lying, values: values) == ["rx_packets": 7])
        #expect(Ethtool.statistics(names: [1, 2], values: values).isEmpty)
        #expect(Ethtool.statistics(names: names, values: Array(values.prefix(20))) == ["rx_packets": 7])
    }

    /// lo has no ethtool driver info, statistics or settings: EOPNOTSUPP, no error, nothing exposed.
    @Test func liveLoopbackExposesNothingWithoutError() throws {
        #expect(throws: EthtoolError.self) { try Ethtool().driverInfo("lo") }
        do {
            _ = try Ethtool().statistics("lo")
        } catch {
            #expect(error.errno == EOPNOTSUPP)
        }
        let sink = try scrape("ethtool", paths: HostPaths(), flags: defaultFlags(["collector.ethtool.device-include": "^lo$"]))
        #expect(sink.families.isEmpty)
    }

    /// A veth pair answers GDRVINFO, GSTATS and GSET.
    @Test func liveVethPair() throws {
        let (made, reason) = VethPair.make(tag: "et")
        guard let pair = made else {
            print("liveVethPair skipped: \(reason)")
            return
        }
        let info = try Ethtool().driverInfo(pair.first)
        #expect(info.driver == "veth")
        let statistics = try Ethtool().statistics(pair.first)
        let peerIndex = try KernelFile.read("/sys/class/net/\(pair.second)/ifindex").split(separator: "\n").first.flatMap { UInt64($0) }
        #expect(statistics["peer_ifindex"] == peerIndex)

        let flags = try defaultFlags(["collector.ethtool.device-include": "^\(pair.first)$"])
        let lines = encodedLines(try scrape("ethtool", paths: HostPaths(), flags: flags)).filter { !$0.hasPrefix("#") }
        #expect(lines.contains { $0.hasPrefix("node_ethtool_info{") && $0.contains("device=\"\(pair.first)\",driver=\"veth\"") })
        #expect(lines.contains("node_ethtool_peer_ifindex{device=\"\(pair.first)\"} \(peerIndex ?? 0)"))
        #expect(lines.contains("node_network_autonegotiate{device=\"\(pair.first)\"} 0"))
        #expect(lines.allSatisfy { $0.contains("device=\"\(pair.first)\"") })
    }
}
