import LanternFlags
import LanternMetrics
import Logging

/// What a collector is built from: paths, its parsed flags, a logger.
public struct CollectorContext: Sendable {
    public let paths: HostPaths
    public let flags: ParsedFlags
    public let logger: Logger

    public init(paths: HostPaths, flags: ParsedFlags, logger: Logger) {
        self.paths = paths
        self.flags = flags
        self.logger = logger
    }
}

/// One entry of the collector table: the name behind `--[no-]collector.<name>`,
/// whether it is on by default, the collector's own flags, and how to build it.
public struct CollectorDefinition: Sendable {
    public let name: String
    public let enabledByDefault: Bool
    /// Flags of this collector (`collector.<name>.<option>`), declared here so that
    /// adding a collector to the table adds its flags.
    public let flags: [Flag]
    public let make: @Sendable (CollectorContext) throws -> any Collector

    public init(
        name: String, enabledByDefault: Bool, flags: [Flag] = [],
        make: @escaping @Sendable (CollectorContext) throws -> any Collector
    ) {
        self.name = name
        self.enabledByDefault = enabledByDefault
        self.flags = flags
        self.make = make
    }
}
