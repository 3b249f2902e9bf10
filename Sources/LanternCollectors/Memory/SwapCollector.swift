import LanternMetrics
import LanternSupport

/// node_exporter's `swap` collector: size, use and priority of each swap device in
/// /proc/swaps.
public struct SwapCollector: Collector {
    static let size = MetricDescriptor(
        name: "node_swap_size_bytes", help: "Swap device size in bytes.", type: .gauge, labels: ["device", "type"])
    static let used = MetricDescriptor(
        name: "node_swap_used_bytes", help: "Swap device used in bytes.", type: .gauge, labels: ["device", "type"])
    static let priority = MetricDescriptor(
        name: "node_swap_priority", help: "Swap device priority.", type: .gauge, labels: ["device", "type"])

    private let paths: HostPaths

    public init(paths: HostPaths) { self.paths = paths }

    public func collect(into sink: MetricSink) throws {
        let devices: [SwapDevice]
        do {
            devices = try KernelFile.parse(paths.proc("swaps"), with: Swaps.parse)
        } catch {
            throw CollectorError("couldn't get swap information: couldn't get proc/swap information: \(error)")
        }
        for device in devices {
            // /proc/swaps counts KiB.
            sink.add(Self.size, Double(device.size) * 1024, device.filename, device.type)
            sink.add(Self.used, Double(device.used) * 1024, device.filename, device.type)
            sink.add(Self.priority, Double(device.priority), device.filename, device.type)
        }
    }
}
