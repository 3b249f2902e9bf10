/// node_exporter's per-collector switches: `--[no-]collector.<name>` and `--collector.disable-defaults`.
public struct CollectorFlags: Sendable {
    public struct Collector: Sendable, Hashable {
        public let name: String
        public let enabledByDefault: Bool
        public init(_ name: String, enabledByDefault: Bool) {
            self.name = name
            self.enabledByDefault = enabledByDefault
        }
    }

    public static let disableDefaultsFlagName = "collector.disable-defaults"

    public let collectors: [Collector]

    public init(_ collectors: [Collector]) {
        self.collectors = collectors
    }

    public static func flagName(of collectorName: String) -> String { "collector.\(collectorName)" }

    /// One bool flag per collector, worded as node_exporter's `registerCollector` words it, then
    /// `--collector.disable-defaults`.
    public var flags: [Flag] {
        collectors.map { collector in
            Flag(
                Self.flagName(of: collector.name),
                help: "Enable the \(collector.name) collector (default: \(collector.enabledByDefault ? "enabled" : "disabled")).",
                kind: .bool, default: collector.enabledByDefault ? "true" : "false")
        } + [
            Flag(Self.disableDefaultsFlagName, help: "Set all collectors to disabled by default.",
                 kind: .bool, default: "false"),
        ]
    }

    /// The names of the collectors to run, in declaration order. As in node_exporter, a collector
    /// named on the command line (`--collector.x` or `--no-collector.x`) gets that value; any
    /// other keeps its default, unless `--collector.disable-defaults` turns it off.
    public func enabledCollectorNames(_ parsed: ParsedFlags) -> [String] {
        let disableDefaults = parsed.bool(Self.disableDefaultsFlagName)
        return collectors.filter { collector in
            let flagName = Self.flagName(of: collector.name)
            if parsed.isSet(flagName) { return parsed.bool(flagName) }
            return collector.enabledByDefault && !disableDefaults
        }.map(\.name)
    }
}
