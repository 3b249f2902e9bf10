import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `bonding` collector: configured and active slaves per bonding master.
public struct BondingCollector: Collector {
    static let slaves = MetricDescriptor(
        name: "node_bonding_slaves", help: "Number of configured slaves per bonding interface.", type: .gauge, labels: ["master"])
    static let active = MetricDescriptor(
        name: "node_bonding_active", help: "Number of active slaves per bonding interface.", type: .gauge, labels: ["master"])

    private let paths: HostPaths
    private let logger: Logger

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        guard let masters = try Bonding.read(classDirectory: paths.sys("class/net")) else {
            logger.debug("Not collecting bonding, file does not exist", metadata: ["file": "\(paths.sys("class/net/bonding_masters"))"])
            return
        }
        for master in masters {
            sink.add(Self.slaves, Double(master.slaves), master.name)
            sink.add(Self.active, Double(master.activeSlaves), master.name)
        }
    }
}
