import Glibc
import LanternCollectors
import LanternFlags
import LanternMetrics
import Testing

/// Flags, defaults and missing or odd kernel files of the kernel and network statistics
/// collectors.
@Suite struct KernelStatsCollectorTests {
    func names(_ sink: MetricSink) -> [String] { sink.families.map(\.name).sorted() }
    func samples(_ sink: MetricSink, _ name: String) -> [Sample] { Exposition.collected(from: sink).samples.filter { $0.name == name } }
    func scratchPaths(_ scratch: ScratchDirectory) -> HostPaths {
        HostPaths(procfs: scratch.path + "/proc", sysfs: scratch.path + "/sys", rootfs: scratch.path)
    }

    @Test func defaultsFollowNodeExporter() throws {
        let expected: [String: Bool] = [
            "netstat": true, "sockstat": true, "vmstat": true, "filefd": true, "entropy": true, "udp_queues": true,
            "xfrm": false, "lnstat": false, "interrupts": false, "softirqs": false, "buddyinfo": false, "zoneinfo": false,
            "slabinfo": false, "schedstat": true, "pressure": true, "ksmd": false, "kernel_hung": false, "processes": false,
            "sysctl": false, "meminfo_numa": false, "swap": false,
        ]
        for (name, enabled) in expected {
            #expect(try #require(CollectorTable.definition(named: name)).enabledByDefault == enabled, "\(name)")
        }
    }

    @Test func netstatFieldsFlagSelectsFields() throws {
        let sink = try scrape("netstat", flags: e2eFlags(["collector.netstat.fields": "^(Tcp_InSegs|Ip6_InOctets)$"]))
        #expect(names(sink) == ["node_netstat_Ip6_InOctets", "node_netstat_Tcp_InSegs"])
        // Unanchored like Go: a bare word matches inside field names.
        let loose = try scrape("netstat", flags: e2eFlags(["collector.netstat.fields": "Octets"]))
        #expect(names(loose).allSatisfy { $0.hasSuffix("Octets") } && names(loose).count >= 4)
    }

    @Test func invalidFieldPatternsFailConstruction() throws {
        for (collector, flag) in [("netstat", "collector.netstat.fields"), ("vmstat", "collector.vmstat.fields"),
                                  ("interrupts", "collector.interrupts.name-include"), ("slabinfo", "collector.slabinfo.slabs-exclude")] {
            let definition = try #require(CollectorTable.definition(named: collector))
            let context = CollectorContext(paths: Fixtures.paths, flags: try e2eFlags([flag: "(unclosed"]), logger: testLogger)
            #expect(throws: (any Error).self, "\(collector)") { _ = try definition.make(context) }
        }
    }

    @Test func netstatWithoutIPv6AndWithBadValues() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("proc/net/netstat", "TcpExt: ListenDrops\nTcpExt: 3\n")
        try scratch.write("proc/net/snmp", "Udp: InErrors\nUdp: 4\n")
        let sink = try scrape("netstat", paths: scratchPaths(scratch), flags: defaultFlags())
        #expect(names(sink) == ["node_netstat_TcpExt_ListenDrops", "node_netstat_Udp_InErrors"])
        // A value that is not a number fails the scrape even when its field is not exposed.
        try scratch.write("proc/net/snmp", "Udp: InErrors NotExposed\nUdp: 4 x\n")
        #expect { _ = try scrape("netstat", paths: scratchPaths(scratch), flags: defaultFlags()) } throws: { "\($0)".contains("invalid value x") }
    }

    @Test func vmstatFieldsFlag() throws {
        let sink = try scrape("vmstat", flags: e2eFlags(["collector.vmstat.fields": "^nr_free_pages$"]))
        #expect(names(sink) == ["node_vmstat_nr_free_pages"])
        #expect(try scrape("vmstat", flags: defaultFlags()).families.count == 7)
    }

    @Test func interruptsNameFilters() throws {
        let included = try scrape("interrupts", flags: e2eFlags(["collector.interrupts.name-include": "^(LOC|NMI)$"]))
        #expect(samples(included, "node_interrupts_total").allSatisfy { $0.labels.contains("type=\"LOC\"") || $0.labels.contains("type=\"NMI\"") })
        #expect(samples(included, "node_interrupts_total").count == 8)
        let excluded = try scrape("interrupts", flags: e2eFlags(["collector.interrupts.name-exclude": "^[0-9]+$"]))
        #expect(samples(excluded, "node_interrupts_total").allSatisfy { !$0.labels.contains("devices=\"timer\"") })
        #expect(samples(excluded, "node_interrupts_total").contains { $0.labels.contains("type=\"LOC\"") })
    }

    @Test func interruptsIncludeZeros() throws {
        let all = samples(try scrape("interrupts"), "node_interrupts_total")
        let nonZero = samples(try scrape("interrupts", flags: e2eFlags(["collector.interrupts.include-zeros": "false"])), "node_interrupts_total")
        #expect(all.contains { $0.value == 0 })
        #expect(!nonZero.isEmpty && nonZero.allSatisfy { $0.value != 0 })
        #expect(nonZero.count == all.filter { $0.value != 0 }.count)
    }

    @Test func slabinfoIncludeAndExclude() throws {
        let slabs = { (sink: MetricSink) in Set(samples(sink, "node_slabinfo_objects").map(\.labels)) }
        let included = try scrape("slabinfo", flags: e2eFlags(["collector.slabinfo.slabs-include": "^kmalloc"]))
        #expect(slabs(included) == ["slab=\"kmalloc-8192\""])
        let excluded = try scrape("slabinfo", flags: e2eFlags(["collector.slabinfo.slabs-exclude": "TCP|kmem"]))
        #expect(slabs(excluded) == ["slab=\"dmaengine-unmap-128\"", "slab=\"kmalloc-8192\""])
    }

    @Test func sysctlIncludeForms() throws {
        let single = try scrape("sysctl", flags: defaultFlags(["collector.sysctl.include": "kernel.threads-max"]))
        #expect(samples(single, "node_sysctl_kernel_threads_max") == [Sample(name: "node_sysctl_kernel_threads_max", labels: "", value: 7801)])
        #expect(names(single) == ["node_sysctl_kernel_threads_max"])
        let info = try scrape("sysctl", flags: defaultFlags(["collector.sysctl.include-info": "kernel.seccomp.actions_avail"]))
        #expect(samples(info, "node_sysctl_info").count == 8)
        #expect(try scrape("sysctl", flags: defaultFlags()).families.isEmpty)
    }

    @Test(arguments: [
        ("collector.sysctl.include", "fs.file-nr:a,b", "has 3 keys but only 2 defined"),
        ("collector.sysctl.include", "kernel.threads-max:a", "has only one value, but expected [a]"),
        ("collector.sysctl.include", "kernel.seccomp.actions_avail", "not an integer"),
        ("collector.sysctl.include", "no.such.sysctl", "error obtaining sysctl info"),
        ("collector.sysctl.include-info", "kernel.seccomp.actions_avail:a,b,c,d,e,f,g,h", "mapped sysctl string values not supported"),
    ])
    func sysctlErrors(flag: String, value: String, mention: String) throws {
        #expect { _ = try scrape("sysctl", flags: defaultFlags([flag: value])) } throws: { "\($0)".contains(mention) }
    }

    /// One collector over scrapes whose lines list other states: the kept descriptors follow.
    @Test func sockstatStatesThatChangeBetweenScrapes() throws {
        let scratch = try ScratchDirectory()
        let definition = try #require(CollectorTable.definition(named: "sockstat"))
        let collector = try definition.make(CollectorContext(paths: scratchPaths(scratch), flags: try e2eFlags(), logger: testLogger))
        func scrape(_ text: String) throws -> [String] {
            try scratch.write("proc/net/sockstat", text)
            let sink = MetricSink()
            try collector.collect(into: sink)
            return names(sink)
        }
        let used = "node_sockstat_sockets_used"
        #expect(try scrape("sockets: used 1\nTCP: inuse 2\n") == ["node_sockstat_TCP_inuse", used])
        #expect(try scrape("sockets: used 1\nTCP: inuse 2 orphan 1\n") == ["node_sockstat_TCP_inuse", "node_sockstat_TCP_orphan", used])
        #expect(try scrape("sockets: used 1\nTCP: inuse 2\nUDP: inuse 1\n") == ["node_sockstat_TCP_inuse", "node_sockstat_UDP_inuse", used])
    }

    @Test func sockstatMemoryBytesUseThePageSize() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("proc/net/sockstat", "sockets: used 1\nTCP: inuse 2 mem 3\n")
        let sink = try scrape("sockstat", paths: scratchPaths(scratch))
        #expect(samples(sink, "node_sockstat_TCP_mem_bytes").first?.value == 3 * Double(sysconf(Int32(_SC_PAGESIZE))))
        // No sockstat6 (IPv6 disabled): no error, no IPv6 families.
        #expect(names(sink) == ["node_sockstat_TCP_inuse", "node_sockstat_TCP_mem", "node_sockstat_TCP_mem_bytes", "node_sockstat_sockets_used"])
    }

    @Test func udpQueuesWithAndWithoutIPv6() throws {
        let scratch = try ScratchDirectory()
        let header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        #expect(try scrape("udp_queues", paths: scratchPaths(scratch)).families.isEmpty)
        try scratch.write("proc/net/udp", header + "   0: 00000000:0016 00000000:0000 0A 00000010:00000002 00:00000000 00000000 0 0 1\n"
            + "   1: 00000000:0017 00000000:0000 0A 00000001:00000001 00:00000000 00000000 0 0 2\n")
        try scratch.write("proc/net/udp6", header)
        let sink = try scrape("udp_queues", paths: scratchPaths(scratch))
        #expect(samples(sink, "node_udp_queues").map(\.description) == [
            "node_udp_queues{ip=\"v4\",queue=\"rx\"} 3.0", "node_udp_queues{ip=\"v4\",queue=\"tx\"} 17.0",
            "node_udp_queues{ip=\"v6\",queue=\"rx\"} 0.0", "node_udp_queues{ip=\"v6\",queue=\"tx\"} 0.0",
        ])
    }

    @Test func pressureWithoutPSIOrWithPartialFiles() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("proc/placeholder", "")
        #expect(try scrape("pressure", paths: scratchPaths(scratch)).families.isEmpty)
        // io lacks its `full` line: node_exporter stops there, after cpu.
        try scratch.write("proc/pressure/cpu", "some avg10=0.00 avg60=0.00 avg300=0.00 total=2000000\n")
        try scratch.write("proc/pressure/io", "some avg10=0.00 avg60=0.00 avg300=0.00 total=1\n")
        try scratch.write("proc/pressure/memory", "some avg10=0.00 avg60=0.00 avg300=0.00 total=1\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=1\n")
        #expect(names(try scrape("pressure", paths: scratchPaths(scratch))) == ["node_pressure_cpu_waiting_seconds_total"])
    }

    @Test func schedstatAbsentIsNotAnError() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("proc/placeholder", "")
        #expect(try scrape("schedstat", paths: scratchPaths(scratch)).families.isEmpty)
    }

    @Test func processesCountThreadStatesAndSkipVanishedProcesses() throws {
        let scratch = try ScratchDirectory()
        let stat = { (pid: String, state: String, threads: Int) in "\(pid) (x y) \(state) 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 \(threads) 0 29 1 1\n" }
        try scratch.write("proc/sys/kernel/threads-max", "100\n")
        try scratch.write("proc/sys/kernel/pid_max", "200\n")
        try scratch.write("proc/5/stat", stat("5", "S", 3))
        try scratch.write("proc/5/task/5/stat", stat("5", "S", 3))
        try scratch.write("proc/5/task/6/stat", stat("6", "R", 3))
        try scratch.write("proc/5/task/7/stat", stat("7", "D", 3))
        try scratch.write("proc/8/stat", stat("8", "Z", 1))
        // A process that exited between listing and reading: only its directory is left.
        try scratch.write("proc/9/task/placeholder", "")
        try scratch.write("proc/self/stat", stat("5", "S", 3))
        let sink = try scrape("processes", paths: scratchPaths(scratch))
        #expect(samples(sink, "node_processes_pids").first?.value == 2)
        #expect(samples(sink, "node_processes_threads").first?.value == 4)
        #expect(samples(sink, "node_processes_state").map(\.description) == ["node_processes_state{state=\"S\"} 1.0", "node_processes_state{state=\"Z\"} 1.0"])
        #expect(samples(sink, "node_processes_threads_state").map(\.description) == [
            "node_processes_threads_state{thread_state=\"D\"} 1.0", "node_processes_threads_state{thread_state=\"R\"} 1.0",
            "node_processes_threads_state{thread_state=\"S\"} 1.0",
        ])
        #expect(samples(sink, "node_processes_max_threads").first?.value == 100)
        #expect(samples(sink, "node_processes_max_processes").first?.value == 200)
    }

    @Test func swapOnFixtures() throws {
        let sink = try scrape("swap", flags: defaultFlags())
        let labels = "device=\"/dev/zram0\",type=\"partition\""
        #expect(samples(sink, "node_swap_size_bytes") == [Sample(name: "node_swap_size_bytes", labels: labels, value: 8388604 * 1024)])
        #expect(samples(sink, "node_swap_used_bytes") == [Sample(name: "node_swap_used_bytes", labels: labels, value: 76 * 1024)])
        #expect(samples(sink, "node_swap_priority") == [Sample(name: "node_swap_priority", labels: labels, value: 100)])
        #expect(sink.families.map(\.help).sorted() == ["Swap device priority.", "Swap device size in bytes.", "Swap device used in bytes."])
    }

    @Test func missingFilesFailWithThePath() throws {
        let paths = HostPaths(procfs: "/nonexistent/lantern/proc", sysfs: "/nonexistent/lantern/sys")
        for name in ["netstat", "vmstat", "filefd", "entropy", "xfrm", "interrupts", "softirqs", "buddyinfo", "zoneinfo", "slabinfo",
                     "ksmd", "kernel_hung", "processes", "swap"] {
            #expect("\(name)") { _ = try scrape(name, paths: paths, flags: defaultFlags()) } throws: { "\($0)".contains("/nonexistent/lantern/") }
        }
        // Absent hardware or kernel features: nothing exposed, no error.
        for name in ["lnstat", "meminfo_numa"] {
            #expect(try scrape(name, paths: paths, flags: defaultFlags()).families.isEmpty, "\(name)")
        }
    }
}
