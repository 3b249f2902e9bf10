@testable import LanternCollectors
import LanternMetrics
import Testing

@Suite struct NetworkInfiniBandTests {
    @Test func devicesFromFixture() throws {
        let devices = try SysfsInfiniBand.devices(classInfiniBand: Fixtures.paths.sys("class/infiniband"))
        #expect(devices.map(\.name) == ["i40iw0", "mlx4_0"])
        let mlx = try #require(devices.last)
        #expect(mlx.boardID == "SM_1141000001000" && mlx.firmwareVersion == "2.31.5050" && mlx.hcaType == "MT4099")
        let port = try #require(mlx.ports.first)
        #expect(port.number == 1 && port.stateID == 4 && port.physicalStateID == 5 && port.rate == 5_000_000_000)
        // Data counters are 4-octet words.
        #expect(port.counters["counters/port_rcv_data"] == 18_527_668)
        #expect(port.counters["counters_ext/port_xmit_data_64"] == 14_933_760)
        // "N/A (no PMA)" counters are absent, not zero.
        #expect(devices.first?.ports.first?.counters.isEmpty == true)
    }

    @Test func stateRateAndCounterParsers() throws {
        #expect(try SysfsInfiniBand.state("4: ACTIVE\n") == 4)
        #expect(try SysfsInfiniBand.rate("10 Gb/sec (4X)\n") == 1_250_000_000)
        #expect(try SysfsInfiniBand.rate("2.5 Gb/sec (1X SDR)") == 312_500_000)
        #expect(try SysfsInfiniBand.counter("N/A (no PMA)") == nil)
    }

    @Test(arguments: [
        ("ACTIVE", "failed to split \"ACTIVE\" into 'ID: NAME'"),
        ("4: A: B", "failed to split \"4: A: B\" into 'ID: NAME'"),
        ("x: ACTIVE", "failed to convert \"x\" into uint"),
        ("-1: ACTIVE", "failed to convert \"-1\" into uint"),
    ])
    func malformedStates(text: String, reason: String) {
        #expect(throws: KernelParseError(reason)) { try SysfsInfiniBand.state(text) }
    }

    @Test(arguments: [
        ("40Gb/sec", "failed to split \"40Gb/sec\""),
        ("fast Gb/sec", "failed to convert \"fast\" into uint"),
        ("-1 Gb/sec", "rate \"-1\" Gb/sec is out of range"),
        ("inf Gb/sec", "rate \"inf\" Gb/sec is out of range"),
        ("1e30 Gb/sec", "rate \"1e30\" Gb/sec is out of range"),
    ])
    func malformedRates(text: String, reason: String) {
        #expect(throws: KernelParseError(reason)) { try SysfsInfiniBand.rate(text) }
    }

    @Test func malformedCounterFailsTheCollector() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("class/infiniband/mlx4_0/fw_ver", "1\n")
        try scratch.write("class/infiniband/mlx4_0/ports/1/state", "4: ACTIVE\n")
        try scratch.write("class/infiniband/mlx4_0/ports/1/phys_state", "5: LinkUp\n")
        try scratch.write("class/infiniband/mlx4_0/ports/1/rate", "40 Gb/sec (4X QDR)\n")
        try scratch.write("class/infiniband/mlx4_0/ports/1/counters/link_downed", "-3\n")
        let definition = try #require(CollectorTable.definition(named: "infiniband"))
        let collector = try definition.make(CollectorContext(paths: HostPaths(sysfs: scratch.path), flags: defaultFlags(), logger: testLogger))
        #expect { try collector.collect(into: MetricSink()) } throws: {
            "\($0)".contains("counters/link_downed: invalid counter \"-3\"")
        }
    }

    @Test func absentClassIsNoData() throws {
        let scratch = try ScratchDirectory()
        #expect(try scrape("infiniband", paths: HostPaths(sysfs: scratch.path), flags: defaultFlags()).families.isEmpty)
    }

    @Test func mlx5HardwareCountersAreExposed() throws {
        let scratch = try ScratchDirectory()
        let port = "class/infiniband/mlx5_0/ports/1/"
        try scratch.write("class/infiniband/mlx5_0/fw_ver", "16.35\n")
        try scratch.write(port + "state", "4: ACTIVE\n")
        try scratch.write(port + "phys_state", "5: LinkUp\n")
        try scratch.write(port + "rate", "100 Gb/sec (4X EDR)\n")
        try scratch.write(port + "counters/symbol_error", "7\n")
        try scratch.write(port + "hw_counters/lifespan", "12500\n")
        try scratch.write(port + "hw_counters/out_of_buffer", "9\n")
        let lines = encodedLines(try scrape("infiniband", paths: HostPaths(sysfs: scratch.path), flags: defaultFlags()))
        #expect(lines.contains("node_infiniband_symbol_error_total{device=\"mlx5_0\",port=\"1\"} 7"))
        #expect(lines.contains("node_infiniband_lifespan_seconds{device=\"mlx5_0\",port=\"1\"} 12"))
        #expect(lines.contains("node_infiniband_out_of_buffer_drops_total{device=\"mlx5_0\",port=\"1\"} 9"))
        #expect(lines.contains("node_infiniband_info{board_id=\"\",device=\"mlx5_0\",firmware_version=\"16.35\",hca_type=\"\"} 1"))
    }
}
