@testable import LanternCollectors
import Testing

/// The procfs/sysfs parsers behind the kernel and network statistics collectors: each on
/// its fixture file, and on malformed input (a clear error, never a crash).
@Suite struct KernelStatsParserTests {
    /// Asserts that `parse` throws an error whose text contains `mention`.
    func expectError<T>(_ mention: String, sourceLocation: SourceLocation = #_sourceLocation, _ parse: () throws -> T) {
        #expect(sourceLocation: sourceLocation) {
            _ = try parse()
        } throws: { error in
            "\(error)".contains(mention)
        }
    }

    @Test func netstatAndSNMPPairs() throws {
        let netstat = try NetStatistics.parsePairs(Fixtures.read("proc/net/netstat"))
        #expect(netstat.value("TcpExt", "ListenDrops") != nil)
        let snmp = try NetStatistics.parsePairs(Fixtures.read("proc/net/snmp"))
        #expect(snmp.value("Udp", "InDatagrams") == "88542")
        #expect(snmp.value("Ip", "Forwarding") != nil)
        // A protocol seen twice keeps its last pair, within a file and across files.
        let twice = try NetStatistics.parsePairs("Tcp: A B\nTcp: 1 2\nTcp: C\nTcp: 3\n")
        #expect(twice.count == 1 && twice.value("Tcp", "C") == "3" && twice.value("Tcp", "A") == nil)
        let merged = NetStatistics.merging(try NetStatistics.parsePairs("Tcp: A\nTcp: 1\nIp: B\nIp: 2\n"), twice)
        #expect(merged.map(\.protocolName) == ["Tcp", "Ip"] && merged.value("Tcp", "A") == nil && merged.value("Ip", "B") == "2")
        expectError("field count mismatch for Tcp") { try NetStatistics.parsePairs("Tcp: A B\nTcp: 1\n") }
        expectError("has no line of values") { try NetStatistics.parsePairs("Tcp: A B\n") }
        expectError("does not start with") { try NetStatistics.parsePairs("Tcp A\nTcp 1\n") }
        expectError("field count mismatch for Ip") { try NetStatistics.parsePairs("Ip: A\nTcp: 1\n") }
    }

    @Test func snmp6SplitsAtTheFirstSix() throws {
        let snmp6 = NetStatistics.parseSNMP6(try Fixtures.read("proc/net/snmp6"))
        #expect(snmp6.value("Udp6", "RcvbufErrors") == "9")
        #expect(snmp6.value("UdpLite6", "InErrors") == "0")
        let skipped = NetStatistics.parseSNMP6("NoSixHere 1\nIp6OnlyName\n\nIcmp6InMsgs 5\n")
        #expect(skipped.count == 1 && skipped[0].fields == ["InMsgs"] && skipped.value("Icmp6", "InMsgs") == "5")
        // A repeated field: the last value counts.
        #expect(NetStatistics.parseSNMP6("Ip6InReceives 1\nIp6InReceives 2\n").value("Ip6", "InReceives") == "2")
    }

    @Test func sockstat() throws {
        let v4 = try Sockstat.parse(Fixtures.read("proc/net/sockstat"))
        #expect(v4.used == 229)
        let tcp = try #require(v4.protocols.first { $0.name == "TCP" })
        #expect(tcp.inUse == 4 && tcp.orphan == 0 && tcp.timeWait == 4 && tcp.alloc == 17 && tcp.mem == 1 && tcp.memory == nil)
        let v6 = try Sockstat.parse(Fixtures.read("proc/net/sockstat6"))
        #expect(v6.used == nil)
        #expect(v6.protocols.map(\.name) == ["TCP6", "UDP6", "UDPLITE6", "RAW6", "FRAG6"])
        expectError("TCP inuse \"x\"") { try Sockstat.parse("TCP: inuse x\n") }
        expectError("malformed sockstat line") { try Sockstat.parse("TCP: inuse\n") }
        expectError("malformed sockstat line") { try Sockstat.parse("TCP inuse 1\n") }
    }

    /// The byte-wise parse reads what `Int` and the field splitting read: signs, leading
    /// zeros and runs of blanks; the first `used` of a sockets line, the last of a repeated
    /// protocol count; a sockets line without `used` clears it, as a later line overrides.
    @Test func sockstatReadsCountsAsIntDoes() throws {
        let stat = try Sockstat.parse("sockets: used 7 used 9\n\n  TCP:\tinuse +5  orphan 007 inuse 6 memory -2\r\n")
        #expect(stat.used == 7)
        #expect(stat.protocols == [{ var tcp = SockstatProtocol(name: "TCP"); tcp.inUse = 6; tcp.orphan = 7; tcp.memory = -2; return tcp }()])
        #expect(try Sockstat.parse("sockets: used 7\nsockets: other 1\n").used == nil)
        #expect(throws: KernelParseError("invalid UDP mem \"99999999999999999999\": not an integer")) {
            _ = try Sockstat.parse("UDP: inuse 1 mem 99999999999999999999\n")
        }
        #expect(throws: KernelParseError("malformed sockstat line \" TCP: inuse\": expected \"<protocol>: key value ...\"")) {
            _ = try Sockstat.parse(" TCP: inuse\n")
        }
    }

    @Test func vmstat() throws {
        let entries = try VMStat.parse(Fixtures.read("proc/vmstat"))
        #expect(entries.first { $0.name == "pgfault" }?.value == 2320168809)
        expectError("has no value") { try VMStat.parse("nr_free_pages\n") }
        expectError("invalid pgfault") { try VMStat.parse("pgfault lots\n") }
    }

    @Test func fileNr() throws {
        #expect(try FileNr.parse(Fixtures.read("proc/sys/fs/file-nr")) == FileNr(allocated: 1024, maximum: 1631329))
        expectError("unexpected number of file stats") { try FileNr.parse("1024 0\n") }
        expectError("invalid maximum") { try FileNr.parse("1 0 many\n") }
    }

    @Test func udpQueues() throws {
        let totals = try UDPQueueTotals.parse(Fixtures.read("proc/net/udp"))
        #expect(totals.transmit == 0x15 && totals.receive == 0)
        #expect(try UDPQueueTotals.parse("header only\n") == UDPQueueTotals())
        expectError("expected at least 5") { try UDPQueueTotals.parse("h\n 0: 00000000:0016 00000000:0000 0A\n") }
        expectError("tx_queue:rx_queue \"zz:00\"") { try UDPQueueTotals.parse("h\n 0: a b 0A zz:00 x\n") }
        expectError("tx_queue:rx_queue \"0015\"") { try UDPQueueTotals.parse("h\n 0: a b 0A 0015 x\n") }
    }

    @Test func xfrmStat() throws {
        let counters = try XfrmStat.parse(Fixtures.read("proc/net/xfrm_stat"))
        #expect(counters["XfrmInError"] == 1 && counters["XfrmInBufferError"] == 2)
        expectError("couldn't parse xfrm_stat line") { try XfrmStat.parse("XfrmInError 1 2\n") }
        expectError("invalid XfrmInError") { try XfrmStat.parse("XfrmInError -1\n") }
    }

    @Test func linuxNetStatFiles() throws {
        let arp = try LinuxNetStatFile.parse(Fixtures.read("proc/net/stat/arp_cache"))
        #expect(arp.columns.first == "entries" && arp.columns.count == 13)
        #expect(arp.perCPU.count == 2 && arp.perCPU[1][1] == 0x0d)
        expectError("no header line") { try LinuxNetStatFile.parse("\n") }
        expectError("cpu 0 has 1 values for 2 columns") { try LinuxNetStatFile.parse("a b\n00000001\n") }
        expectError("invalid b \"xyz\" for cpu 0") { try LinuxNetStatFile.parse("a b\n00000001 xyz\n") }
    }

    @Test func interrupts() throws {
        let lines = try Interrupts.parse(Fixtures.read("proc/interrupts"))
        let timer = try #require(lines.first { $0.name == "0" })
        #expect(timer.perCPU == ["18", "0", "0", "0"] && timer.info == "IR-IO-APIC-edge" && timer.devices == "timer")
        let local = try #require(lines.first { $0.name == "LOC" })
        #expect(local.info == "Local timer interrupts" && local.devices == "")
        // ERR and MIS have a single column: skipped.
        #expect(!lines.contains { $0.name == "ERR" || $0.name == "MIS" })
        // aarch64 writes names that touch their values.
        let arm = try Interrupts.parse("  CPU0 CPU1\nIPI0:1 2 Rescheduling interrupts\n")
        #expect(arm == [InterruptLine(name: "IPI0", perCPU: ["1", "2"], info: "Rescheduling interrupts", devices: "")])
        expectError("interrupts empty") { try Interrupts.parse("") }
    }

    @Test func softirqs() throws {
        let vectors = try Softirqs.parse(Fixtures.read("proc/softirqs"))
        #expect(vectors.map(\.vector) == Softirqs.vectors)
        #expect(vectors.first?.perCPU == [7, 1])
        #expect(try Softirqs.parse("CPU0\nNEW_VECTOR: 5\n").isEmpty)
        expectError("TIMER count of cpu 1") { try Softirqs.parse("CPU0 CPU1\nTIMER: 1 -2\n") }
    }

    @Test func buddyinfo() throws {
        let zones = try Buddyinfo.parse(Fixtures.read("proc/buddyinfo"))
        #expect(zones.map(\.zone) == ["DMA", "DMA32", "Normal"])
        #expect(zones[0].node == "0" && zones[0].freeBlocks.count == 11 && zones[1].freeBlocks[0] == 759)
        expectError("invalid number of fields") { try Buddyinfo.parse("Node 0, zone\n") }
        expectError("mismatch in number of buddyinfo buckets") { try Buddyinfo.parse("Node 0, zone A 1 2\nNode 0, zone B 1\n") }
        expectError("invalid free block count") { try Buddyinfo.parse("Node 0, zone A 1 x\n") }
    }

    @Test func zoneinfo() throws {
        let zones = try Zoneinfo.parse(Fixtures.read("proc/zoneinfo"))
        #expect(zones.map(\.zone) == ["DMA", "DMA32", "Normal", "Movable", "Device"])
        #expect(zones[0].counters["nr_free_pages"] == 2949 && zones[0].counters["nr_active_anon"] == 1175853)
        // Per-node statistics only in the node's first zone; pageset `high:` is not the watermark.
        #expect(zones[1].counters["nr_active_anon"] == nil && zones[1].counters["high"] == 2122)
        #expect(zones[0].protection == [0, 2039, 31932, 31932, 31932])
        expectError("invalid zone header") { try Zoneinfo.parse("Node x, zone DMA\n") }
        expectError("invalid min \"low\"") { try Zoneinfo.parse("Node 0, zone DMA\n  min low\n") }
        expectError("invalid protection value \"a\"") { try Zoneinfo.parse("Node 0, zone DMA\n  protection: (0, a)\n") }
    }

    @Test func slabinfo() throws {
        let slabs = try Slabinfo.parse(Fixtures.read("proc/slabinfo"))
        #expect(slabs.count == 4)
        #expect(slabs.first == Slab(name: "tw_sock_TCP", activeObjects: 704, objects: 864, objectSize: 256, objectsPerSlab: 32, pagesPerSlab: 2))
        expectError("missing \"slabinfo - version:\"") { try Slabinfo.parse("kmem 1 2\n") }
        expectError("unsupported slabinfo version \"1.1\"") { try Slabinfo.parse("slabinfo - version: 1.1\n") }
        expectError("expected 16") { try Slabinfo.parse("slabinfo - version: 2.1\nkmem 1 2 3\n") }
        expectError("invalid num_objs \"x\" of slab kmem") {
            try Slabinfo.parse("slabinfo - version: 2.1\nkmem 1 x 3 4 5 : tunables 0 0 0 : slabdata 1 1 0\n")
        }
    }

    @Test func schedstat() throws {
        let cpus = try Schedstat.parse(Fixtures.read("proc/schedstat"))
        #expect(cpus.map(\.cpu) == ["0", "1"])
        #expect(cpus[0] == SchedstatCPU(cpu: "0", runningNanoseconds: 2045936778163039, waitingNanoseconds: 343796328169361, timeslices: 4767485306))
        // Lines of another shape are skipped, as procfs' pattern skips them.
        #expect(try Schedstat.parse("cpu0 1 2 3\ncpuX 1 2 3 4 5 6 7 8 9\ncpu1 1 2 3 4 5 6 7 8 x\n").isEmpty)
        expectError("invalid running time") { try Schedstat.parse("cpu0 1 2 3 4 5 6 99999999999999999999999 8 9\n") }
    }

    @Test func pressure() throws {
        #expect(try PressureStall.parse(Fixtures.read("proc/pressure/cpu")) == PressureStall(someTotal: 14036781, fullTotal: 0))
        #expect(try PressureStall.parse(Fixtures.read("proc/pressure/irq")) == PressureStall(someTotal: nil, fullTotal: 8494))
        expectError("psi: unexpected line") { try PressureStall.parse("some avg10=0.00 total=5\n") }
        expectError("psi: unexpected line") { try PressureStall.parse("full avg10=x avg60=0 avg300=0 total=5\n") }
        expectError("psi: unexpected line") { try PressureStall.parse("some avg10=0 avg60=0 avg300=0 total=-5\n") }
        expectError("psi: unexpected line") { try PressureStall.parse("some avg10=0 avg60=0 avg30=0 total=5\n") }
        expectError("psi: unexpected line") { try PressureStall.parse("some avg10=0 avg60=0 avg300=0 total=5 extra\n") }
        #expect(try PressureStall.parse("some avg10=1.5 avg60=0 avg300=2e3 total=7\n") == PressureStall(someTotal: 7))
    }

    @Test func pidStat() throws {
        let stat = try PIDStat.parse(Fixtures.read("proc/1/stat"))
        #expect(stat == PIDStat(state: "S", threads: 1))
        // A command holding spaces and parentheses.
        let odd = try PIDStat.parse("7 (a) (b c) R 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 4 0 29\n")
        #expect(odd == PIDStat(state: "R", threads: 4))
        expectError("couldn't extract comm") { try PIDStat.parse("7 nocomm R\n") }
        expectError("expected at least 18") { try PIDStat.parse("7 (x) R 1 2\n") }
        expectError("invalid num_threads") { try PIDStat.parse("7 (x) R 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 many 0\n") }
    }

    @Test func swaps() throws {
        let devices = try Swaps.parse(Fixtures.read("proc/swaps"))
        #expect(devices == [SwapDevice(filename: "/dev/zram0", type: "partition", size: 8388604, used: 76, priority: 100)])
        expectError("expected 5") { try Swaps.parse("header\n/dev/sda2 partition 1 2\n") }
        expectError("invalid size, used or priority") { try Swaps.parse("header\n/dev/sda2 partition big 2 -1\n") }
    }

    @Test func sysctl() throws {
        #expect(Sysctl.relativePath(of: "fs.file-nr") == "sys/fs/file-nr")
        #expect(try Sysctl.parseIntegers(Fixtures.read("proc/sys/fs/file-nr")) == [1024, 0, 1631329])
        #expect(Sysctl.parseStrings("a b\tc\n") == ["a", "b", "c"])
        expectError("invalid sysctl value \"1.5\"") { try Sysctl.parseIntegers("1 1.5\n") }
    }

    @Test func nodeMeminfo() throws {
        let entries = try NodeMeminfo.parseMeminfo(Fixtures.read("sys/devices/system/node/node0/meminfo"))
        #expect(entries.first == NodeMeminfo.Entry(name: "MemTotal", node: "0", value: 134182340 * 1024))
        #expect(entries.contains { $0.name == "Active_anon" })
        #expect(entries.contains { $0.name == "HugePages_Total" && $0.value == 0 })
        let stats = try NodeMeminfo.parseNumastat(Fixtures.read("sys/devices/system/node/node0/numastat"), node: "0")
        #expect(stats.first == NodeMeminfo.Entry(name: "numa_hit", node: "0", value: 193460335812))
        expectError("invalid line in meminfo") { try NodeMeminfo.parseMeminfo("Node 0 MemTotal: 5 MB\n") }
        expectError("invalid line in meminfo") { try NodeMeminfo.parseMeminfo("Node 0\n") }
        expectError("invalid value of MemTotal:") { try NodeMeminfo.parseMeminfo("Node 0 MemTotal: x kB\n") }
        expectError("did not return 2 fields") { try NodeMeminfo.parseNumastat("numa_hit 1 2\n", node: "0") }
    }

    @Test func sanitizedMetricNames() {
        #expect(sanitizedMetricName("fs.file-nr") == "fs_file_nr")
        #expect(sanitizedMetricName("net.ipv4.conf.all.rp_filter") == "net_ipv4_conf_all_rp_filter")
        // Underscores around an invalid run fold into it, as Go's `_*[^0-9A-Za-z_]+_*` does.
        #expect(sanitizedMetricName("a_.-_b") == "a_b")
        #expect(sanitizedMetricName("a.-_.b") == "a__b")
        #expect(sanitizedMetricName("é") == "_")
    }
}
