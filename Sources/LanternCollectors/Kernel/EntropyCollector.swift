import LanternMetrics
import LanternSupport

/// node_exporter's `entropy` collector: the kernel's random pool, from
/// /proc/sys/kernel/random/{entropy_avail,poolsize}.
public struct EntropyCollector: Collector {
    static let available = MetricDescriptor(name: "node_entropy_available_bits", help: "Bits of available entropy.", type: .gauge)
    static let poolSize = MetricDescriptor(name: "node_entropy_pool_size_bits", help: "Bits of entropy pool.", type: .gauge)

    private let paths: HostPaths

    public init(paths: HostPaths) { self.paths = paths }

    public func collect(into sink: MetricSink) throws {
        let available: UInt64, poolSize: UInt64
        do {
            available = try KernelFile.readUInt(paths.proc("sys/kernel/random/entropy_avail"))
        } catch {
            throw CollectorError("couldn't get entropy_avail: \(error)")
        }
        do {
            poolSize = try KernelFile.readUInt(paths.proc("sys/kernel/random/poolsize"))
        } catch {
            throw CollectorError("couldn't get entropy poolsize: \(error)")
        }
        sink.add(Self.available, Double(available))
        sink.add(Self.poolSize, Double(poolSize))
    }
}
