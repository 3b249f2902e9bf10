import LanternMetrics
import LanternSupport

/// node_exporter's `buddyinfo` collector: free blocks per order of each zone, from
/// /proc/buddyinfo.
public struct BuddyinfoCollector: Collector {
    static let blocks = MetricDescriptor(
        name: "node_buddyinfo_blocks", help: "Count of free blocks according to size.", type: .gauge, labels: ["node", "zone", "size"])

    private let paths: HostPaths

    public init(paths: HostPaths) { self.paths = paths }

    public func collect(into sink: MetricSink) throws {
        let zones: [BuddyinfoZone]
        do {
            zones = try KernelFile.parse(paths.proc("buddyinfo"), with: Buddyinfo.parse)
        } catch {
            throw CollectorError("couldn't get buddyinfo: \(error)")
        }
        for zone in zones {
            for (order, count) in zone.freeBlocks.enumerated() {
                sink.add(Self.blocks, count, zone.node, zone.zone, String(order))
            }
        }
    }
}
