import LanternFlags

/// Every collector Lantern has: its name, whether node_exporter 1.12.1 enables it by
/// default on Linux, its flags (node_exporter's names, help texts and defaults), and
/// how parsed flags become the options value its initializer takes.
public enum CollectorTable {
    public static let definitions: [CollectorDefinition] = [
        CollectorDefinition(name: "cpu", enabledByDefault: true, flags: CPUFlags.all) { context in
            try CPUCollector(paths: context.paths, options: CPUFlags.options(from: context.flags), logger: context.logger)
        },
        CollectorDefinition(name: "loadavg", enabledByDefault: true) { context in
            LoadavgCollector(paths: context.paths)
        },
        CollectorDefinition(name: "meminfo", enabledByDefault: true) { context in
            MeminfoCollector(paths: context.paths)
        },
        CollectorDefinition(name: "stat", enabledByDefault: true, flags: [StatFlags.softirq]) { context in
            StatCollector(paths: context.paths, options: StatCollector.Options(softirq: context.flags.bool(StatFlags.softirq.name)))
        },
        CollectorDefinition(name: "time", enabledByDefault: true) { context in
            TimeCollector(paths: context.paths)
        },
        CollectorDefinition(name: "uname", enabledByDefault: true) { _ in
            UnameCollector()
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
