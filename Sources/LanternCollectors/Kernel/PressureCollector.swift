import Glibc
import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `pressure` collector: pressure stall totals of /proc/pressure/*.
public struct PressureCollector: Collector {
    static let cpuWaiting = MetricDescriptor(
        name: "node_pressure_cpu_waiting_seconds_total", help: "Total time in seconds that processes have waited for CPU time",
        type: .counter)
    static let ioWaiting = MetricDescriptor(
        name: "node_pressure_io_waiting_seconds_total", help: "Total time in seconds that processes have waited due to IO congestion",
        type: .counter)
    static let ioStalled = MetricDescriptor(
        name: "node_pressure_io_stalled_seconds_total",
        help: "Total time in seconds no process could make progress due to IO congestion", type: .counter)
    static let memoryWaiting = MetricDescriptor(
        name: "node_pressure_memory_waiting_seconds_total", help: "Total time in seconds that processes have waited for memory",
        type: .counter)
    static let memoryStalled = MetricDescriptor(
        name: "node_pressure_memory_stalled_seconds_total",
        help: "Total time in seconds no process could make progress due to memory congestion", type: .counter)
    static let irqStalled = MetricDescriptor(
        name: "node_pressure_irq_stalled_seconds_total",
        help: "Total time in seconds no process could make progress due to IRQ congestion", type: .counter)

    /// Per resource, the descriptors of its `some` and `full` totals (nil: not exposed).
    static let resources: [(name: String, some: MetricDescriptor?, full: MetricDescriptor?)] = [
        ("cpu", cpuWaiting, nil), ("io", ioWaiting, ioStalled), ("memory", memoryWaiting, memoryStalled), ("irq", nil, irqStalled),
    ]

    private let paths: HostPaths
    private let logger: Logger

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        for resource in Self.resources {
            logger.debug("collecting statistics for resource", metadata: ["resource": "\(resource.name)"])
            let stall: PressureStall
            do {
                stall = try KernelFile.parse(paths.proc("pressure/" + resource.name), with: PressureStall.parse)
            } catch where error.isNotFound {
                logger.debug("pressure information is unavailable, you need a Linux kernel >= 4.20 and/or CONFIG_PSI enabled for your kernel",
                             metadata: ["resource": "\(resource.name)"])
                continue
            } catch where error.errno == EOPNOTSUPP {
                logger.debug("pressure information is disabled, add psi=1 kernel command line to enable it")
                return
            } catch {
                throw CollectorError("failed to retrieve pressure stats: \(error)")
            }
            // A file without the lines its resource has: node_exporter gives up on the rest.
            if resource.some != nil && stall.someTotal == nil {
                logger.debug("pressure information returned no 'some' data")
                return
            }
            if resource.full != nil && stall.fullTotal == nil {
                logger.debug("pressure information returned no 'full' data")
                return
            }
            if let descriptor = resource.some, let total = stall.someTotal {
                sink.add(descriptor, Double(total) / 1000.0 / 1000.0)
            }
            if let descriptor = resource.full, let total = stall.fullTotal {
                sink.add(descriptor, Double(total) / 1000.0 / 1000.0)
            }
        }
    }
}
