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
        let prefixes = Self.familyPrefixes[collector] ?? []
        try expectE2EParity(collector, families: { name in prefixes.contains { name.hasPrefix($0) } })
    }
}
