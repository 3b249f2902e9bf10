import LanternFlags

/// Every collector Lantern has: its name, whether node_exporter 1.12.1 enables it by
/// default on Linux, its flags (node_exporter's names, help texts and defaults), and
/// how parsed flags become the options value its initializer takes.
public enum CollectorTable {
    public static let definitions: [CollectorDefinition] = [
        CollectorDefinition(name: "arp", enabledByDefault: true, flags: ARPFlags.all) { context in
            try ARPCollector(paths: context.paths, options: ARPFlags.options(from: context.flags))
        },
        CollectorDefinition(name: "bcache", enabledByDefault: true, flags: BcacheFlags.all) { context in
            BcacheCollector(paths: context.paths, options: BcacheFlags.options(from: context.flags))
        },
        CollectorDefinition(name: "bcachefs", enabledByDefault: true) { context in
            BcachefsCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "bonding", enabledByDefault: true) { context in
            BondingCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "btrfs", enabledByDefault: true) { context in
            BtrfsCollector(paths: context.paths)
        },
        CollectorDefinition(name: "buddyinfo", enabledByDefault: false) { context in
            BuddyinfoCollector(paths: context.paths)
        },
        CollectorDefinition(name: "cgroups", enabledByDefault: false) { context in
            CgroupsCollector(paths: context.paths)
        },
        CollectorDefinition(name: "conntrack", enabledByDefault: true) { context in
            ConntrackCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "cpu", enabledByDefault: true, flags: CPUFlags.all) { context in
            try CPUCollector(paths: context.paths, options: CPUFlags.options(from: context.flags), logger: context.logger)
        },
        CollectorDefinition(name: "cpu_vulnerabilities", enabledByDefault: false) { context in
            CPUVulnerabilitiesCollector(paths: context.paths)
        },
        CollectorDefinition(name: "cpufreq", enabledByDefault: true) { context in
            CPUFreqCollector(paths: context.paths)
        },
        CollectorDefinition(name: "diskstats", enabledByDefault: true, flags: DiskstatsFlags.all) { context in
            try DiskstatsCollector(
                paths: context.paths, options: DiskstatsFlags.options(from: context.flags, logger: context.logger), logger: context.logger)
        },
        CollectorDefinition(name: "dmi", enabledByDefault: true) { context in
            DMICollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "dmmultipath", enabledByDefault: true) { context in
            DMMultipathCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "drbd", enabledByDefault: false) { context in
            DRBDCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "edac", enabledByDefault: true) { context in
            EDACCollector(paths: context.paths)
        },
        CollectorDefinition(name: "entropy", enabledByDefault: true) { context in
            EntropyCollector(paths: context.paths)
        },
        CollectorDefinition(name: "ethtool", enabledByDefault: false, flags: EthtoolFlags.all) { context in
            try EthtoolCollector(paths: context.paths, options: EthtoolFlags.options(from: context.flags), logger: context.logger)
        },
        CollectorDefinition(name: "fibrechannel", enabledByDefault: true) { context in
            FibreChannelCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "filefd", enabledByDefault: true) { context in
            FilefdCollector(paths: context.paths)
        },
        CollectorDefinition(name: "filesystem", enabledByDefault: true, flags: FilesystemFlags.all) { context in
            try FilesystemCollector(
                paths: context.paths, options: FilesystemFlags.options(from: context.flags, logger: context.logger), logger: context.logger)
        },
        CollectorDefinition(name: "hwmon", enabledByDefault: true, flags: HwmonFlags.all) { context in
            try HwmonCollector(paths: context.paths, options: HwmonFlags.options(from: context.flags), logger: context.logger)
        },
        CollectorDefinition(name: "infiniband", enabledByDefault: true) { context in
            InfiniBandCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "interrupts", enabledByDefault: false, flags: InterruptsFlags.all) { context in
            try InterruptsCollector(paths: context.paths, options: InterruptsFlags.options(from: context.flags))
        },
        CollectorDefinition(name: "ipvs", enabledByDefault: true, flags: IPVSFlags.all) { context in
            try IPVSCollector(paths: context.paths, options: IPVSFlags.options(from: context.flags), logger: context.logger)
        },
        CollectorDefinition(name: "kernel_hung", enabledByDefault: false) { context in
            KernelHungCollector(paths: context.paths)
        },
        CollectorDefinition(name: "ksmd", enabledByDefault: false) { context in
            KsmdCollector(paths: context.paths)
        },
        CollectorDefinition(name: "lnstat", enabledByDefault: false) { context in
            LnstatCollector(paths: context.paths)
        },
        CollectorDefinition(name: "loadavg", enabledByDefault: true) { context in
            LoadavgCollector(paths: context.paths)
        },
        CollectorDefinition(name: "logind", enabledByDefault: false, flags: [LogindFlags.timeout]) { context in
            LogindCollector(options: LogindFlags.options(from: context.flags), logger: context.logger)
        },
        CollectorDefinition(name: "mdadm", enabledByDefault: true) { context in
            MdadmCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "meminfo", enabledByDefault: true) { context in
            MeminfoCollector(paths: context.paths)
        },
        CollectorDefinition(name: "meminfo_numa", enabledByDefault: false) { context in
            MeminfoNumaCollector(paths: context.paths)
        },
        CollectorDefinition(name: "mountstats", enabledByDefault: false) { context in
            MountStatsCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "netclass", enabledByDefault: true, flags: NetclassFlags.all) { context in
            try NetclassCollector(paths: context.paths, options: NetclassFlags.options(from: context.flags), logger: context.logger)
        },
        CollectorDefinition(name: "netdev", enabledByDefault: true, flags: NetdevFlags.all) { context in
            try NetdevCollector(paths: context.paths, options: NetdevFlags.options(from: context.flags, logger: context.logger), logger: context.logger)
        },
        CollectorDefinition(name: "netstat", enabledByDefault: true, flags: [NetstatFlags.fields]) { context in
            try NetstatCollector(paths: context.paths, options: NetstatFlags.options(from: context.flags))
        },
        CollectorDefinition(name: "network_route", enabledByDefault: false) { _ in
            NetworkRouteCollector()
        },
        CollectorDefinition(name: "nfs", enabledByDefault: true) { context in
            NFSCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "nfsd", enabledByDefault: true) { context in
            NFSdCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "nvme", enabledByDefault: true) { context in
            NVMeCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "os", enabledByDefault: true) { context in
            OSCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "pcidevice", enabledByDefault: false, flags: PCIDeviceFlags.all) { context in
            PCIDeviceCollector(paths: context.paths, options: PCIDeviceFlags.options(from: context.flags), logger: context.logger)
        },
        CollectorDefinition(name: "powersupplyclass", enabledByDefault: true, flags: [PowerSupplyClassFlags.ignoredSupplies]) { context in
            try PowerSupplyClassCollector(
                paths: context.paths, options: PowerSupplyClassFlags.options(from: context.flags), logger: context.logger)
        },
        CollectorDefinition(name: "pressure", enabledByDefault: true) { context in
            PressureCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "processes", enabledByDefault: false) { context in
            ProcessesCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "qdisc", enabledByDefault: false, flags: QdiscFlags.all) { context in
            try QdiscCollector(options: QdiscFlags.options(from: context.flags, logger: context.logger))
        },
        CollectorDefinition(name: "rapl", enabledByDefault: true, flags: [RaplFlags.zoneLabel]) { context in
            RaplCollector(
                paths: context.paths, options: RaplCollector.Options(zoneLabel: context.flags.bool(RaplFlags.zoneLabel.name)),
                logger: context.logger)
        },
        CollectorDefinition(name: "schedstat", enabledByDefault: true) { context in
            SchedstatCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "selinux", enabledByDefault: true) { context in
            SELinuxCollector(paths: context.paths)
        },
        CollectorDefinition(name: "slabinfo", enabledByDefault: false, flags: SlabinfoFlags.all) { context in
            try SlabinfoCollector(paths: context.paths, options: SlabinfoFlags.options(from: context.flags))
        },
        CollectorDefinition(name: "sockstat", enabledByDefault: true) { context in
            SockstatCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "softirqs", enabledByDefault: false) { context in
            SoftirqsCollector(paths: context.paths)
        },
        CollectorDefinition(name: "softnet", enabledByDefault: true) { context in
            SoftnetCollector(paths: context.paths)
        },
        CollectorDefinition(name: "stat", enabledByDefault: true, flags: [StatFlags.softirq]) { context in
            StatCollector(paths: context.paths, options: StatCollector.Options(softirq: context.flags.bool(StatFlags.softirq.name)))
        },
        CollectorDefinition(name: "swap", enabledByDefault: false) { context in
            SwapCollector(paths: context.paths)
        },
        CollectorDefinition(name: "sysctl", enabledByDefault: false, flags: SysctlFlags.all) { context in
            SysctlCollector(paths: context.paths, options: SysctlFlags.options(from: context.flags))
        },
        CollectorDefinition(name: "systemd", enabledByDefault: false, flags: SystemdFlags.all) { context in
            try SystemdCollector(options: SystemdFlags.options(from: context.flags, logger: context.logger), logger: context.logger)
        },
        CollectorDefinition(name: "tapestats", enabledByDefault: true, flags: TapestatsFlags.all) { context in
            try TapestatsCollector(paths: context.paths, options: TapestatsFlags.options(from: context.flags), logger: context.logger)
        },
        CollectorDefinition(name: "tcpstat", enabledByDefault: false) { context in
            TCPStatCollector(paths: context.paths)
        },
        CollectorDefinition(name: "textfile", enabledByDefault: true, flags: TextfileFlags.all) { context in
            TextfileCollector(options: TextfileFlags.options(from: context.flags), logger: context.logger)
        },
        CollectorDefinition(name: "thermal_zone", enabledByDefault: true) { context in
            ThermalZoneCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "time", enabledByDefault: true) { context in
            TimeCollector(paths: context.paths)
        },
        CollectorDefinition(name: "timex", enabledByDefault: true) { _ in
            TimexCollector()
        },
        CollectorDefinition(name: "udp_queues", enabledByDefault: true) { context in
            UDPQueuesCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "uname", enabledByDefault: true) { _ in
            UnameCollector()
        },
        CollectorDefinition(name: "vmstat", enabledByDefault: true, flags: [VmstatFlags.fields]) { context in
            try VmstatCollector(paths: context.paths, options: VmstatFlags.options(from: context.flags))
        },
        CollectorDefinition(name: "watchdog", enabledByDefault: true) { context in
            WatchdogCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "wifi", enabledByDefault: false, flags: WifiFlags.all) { context in
            WifiCollector(options: WifiFlags.options(from: context.flags), logger: context.logger)
        },
        CollectorDefinition(name: "xfrm", enabledByDefault: false) { context in
            XfrmCollector(paths: context.paths)
        },
        CollectorDefinition(name: "xfs", enabledByDefault: true) { context in
            XFSCollector(paths: context.paths)
        },
        CollectorDefinition(name: "zfs", enabledByDefault: true) { context in
            ZFSCollector(paths: context.paths, logger: context.logger)
        },
        CollectorDefinition(name: "zoneinfo", enabledByDefault: false) { context in
            ZoneinfoCollector(paths: context.paths)
        },
    ]

    /// `--[no-]collector.<name>` for every collector, `--collector.disable-defaults`, then
    /// each collector's own flags.
    public static var switches: CollectorFlags {
        CollectorFlags(definitions.map { CollectorFlags.Collector($0.name, enabledByDefault: $0.enabledByDefault) })
    }

    public static var allFlags: [Flag] {
        switches.flags + definitions.flatMap(\.flags)
    }

    /// The definition of the collector enabled by `--collector.<name>`.
    public static func definition(named name: String) -> CollectorDefinition? {
        definitions.first { $0.name == name }
    }

    /// Whether `--collector.<name>` is on: as parsed when the flag is declared, else the
    /// collector's default (node_exporter's default for collectors not implemented yet).
    static func isEnabled(_ name: String, in flags: ParsedFlags, defaultOn: Bool) -> Bool {
        flags.values["collector." + name]?.last.map { $0 == "true" } ?? defaultOn
    }
}

enum CPUFlags {
    // kingpin takes the first `quoted` word of a help text as the value placeholder.
    static let guest = Flag("collector.cpu.guest", help: "Enables metric node_cpu_guest_seconds_total", kind: .bool, default: "true")
    static let info = Flag("collector.cpu.info", help: "Enables metric cpu_info", kind: .bool, default: "false")
    static let flagsInclude = Flag(
        "collector.cpu.info.flags-include",
        help: "Filter the `flags` field in cpuInfo with a value that must be a regular expression", placeholder: "flags")
    static let bugsInclude = Flag(
        "collector.cpu.info.bugs-include",
        help: "Filter the `bugs` field in cpuInfo with a value that must be a regular expression", placeholder: "bugs")
    static let all = [guest, info, flagsInclude, bugsInclude]

    static func options(from flags: ParsedFlags) -> CPUCollector.Options {
        CPUCollector.Options(
            guest: flags.bool(guest.name),
            info: flags.bool(info.name),
            flagsInclude: flags.string(flagsInclude.name),
            bugsInclude: flags.string(bugsInclude.name),
            // cpufreq is on by default in node_exporter.
            cpufreqEnabled: CollectorTable.isEnabled("cpufreq", in: flags, defaultOn: true))
    }
}

enum StatFlags {
    static let softirq = Flag("collector.stat.softirq", help: "Export softirq calls per vector", kind: .bool, default: "false")
}
