import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `schedstat` collector: per-CPU scheduler time and timeslices from
/// /proc/schedstat.
public struct SchedstatCollector: Collector {
    static let running = MetricDescriptor(
        name: "node_schedstat_running_seconds_total", help: "Number of seconds CPU spent running a process.", type: .counter,
        labels: ["cpu"])
    static let waiting = MetricDescriptor(
        name: "node_schedstat_waiting_seconds_total", help: "Number of seconds spent by processing waiting for this CPU.",
        type: .counter, labels: ["cpu"])
    static let timeslices = MetricDescriptor(
        name: "node_schedstat_timeslices_total", help: "Number of timeslices executed by CPU.", type: .counter, labels: ["cpu"])

    private let paths: HostPaths
    private let logger: Logger

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        let cpus: [SchedstatCPU]
        do {
            cpus = try KernelFile.parse(paths.proc("schedstat"), with: Schedstat.parse)
        } catch where error.isNotFound {
            logger.debug("schedstat file does not exist")
            return
        } catch {
            throw CollectorError("couldn't get schedstats: \(error)")
        }
        for cpu in cpus {
            sink.add(Self.running, Double(cpu.runningNanoseconds) / 1e9, cpu.cpu)
            sink.add(Self.waiting, Double(cpu.waitingNanoseconds) / 1e9, cpu.cpu)
            sink.add(Self.timeslices, Double(cpu.timeslices), cpu.cpu)
        }
    }
}
