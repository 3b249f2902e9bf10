import LanternCollectors
import LanternFlags
import LanternMetrics
import Testing

/// The procfs kernel and network statistics collectors against node_exporter's fixture
/// tree with the e2e flags, compared family by family with e2e-output.txt.
@Suite struct KernelStatsParityTests {
    /// The e2e-output.txt families each collector owns, by name prefix.
    static let familyPrefixes: [String: [String]] = [
        "netstat": ["node_netstat_"], "sockstat": ["node_sockstat_"], "vmstat": ["node_vmstat_"],
        "filefd": ["node_filefd_"], "entropy": ["node_entropy_"], "udp_queues": ["node_udp_queues"],
        "xfrm": ["node_xfrm_"], "lnstat": ["node_lnstat_"],
        "interrupts": ["node_interrupts_"], "softirqs": ["node_softirqs_functions_"], "buddyinfo": ["node_buddyinfo_"],
        "zoneinfo": ["node_zoneinfo_"], "slabinfo": ["node_slabinfo_"], "schedstat": ["node_schedstat_"],
        "pressure": ["node_pressure_"], "ksmd": ["node_ksmd_"], "kernel_hung": ["node_kernel_hung_"],
        "processes": ["node_processes_"], "sysctl": ["node_sysctl_"], "meminfo_numa": ["node_memory_numa_"],
    ]

    @Test(arguments: familyPrefixes.keys.sorted())
    func matchesE2EOutput(collector: String) throws {
        try expectParity(collector: collector, prefixes: Self.familyPrefixes[collector] ?? [])
    }
}

/// Asserts that what `collector` exposes with the e2e flags equals the families of
/// e2e-output.txt whose names start with one of `prefixes`.
func expectParity(collector: String, prefixes: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let owns = { (name: String) in prefixes.contains { name.hasPrefix($0) } }
    let expected = try Exposition.expected(families: owns)
    let actual = Exposition.collected(from: try scrape(collector))
    #expect(!expected.samples.isEmpty, sourceLocation: sourceLocation)
    #expect(actual.headers == expected.headers, sourceLocation: sourceLocation)
    for missing in Set(expected.samples).subtracting(actual.samples).sorted() {
        Issue.record("missing \(missing)", sourceLocation: sourceLocation)
    }
    for extra in Set(actual.samples).subtracting(expected.samples).sorted() {
        Issue.record("unexpected \(extra)", sourceLocation: sourceLocation)
    }
    #expect(actual.samples.count == expected.samples.count, sourceLocation: sourceLocation)
}
