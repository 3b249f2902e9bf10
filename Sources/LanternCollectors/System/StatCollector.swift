import LanternMetrics
import LanternSupport

/// node_exporter's `stat` collector: the system-wide counters of /proc/stat.
public struct StatCollector: Collector {
    public struct Options: Sendable {
        /// `--collector.stat.softirq`: expose node_softirqs_total per vector.
        public var softirq = false
        public init(softirq: Bool = false) { self.softirq = softirq }
    }

    static let interrupts = MetricDescriptor(name: "node_intr_total", help: "Total number of interrupts serviced.", type: .counter)
    static let contextSwitches = MetricDescriptor(name: "node_context_switches_total", help: "Total number of context switches.", type: .counter)
    static let forks = MetricDescriptor(name: "node_forks_total", help: "Total number of forks.", type: .counter)
    static let bootTime = MetricDescriptor(name: "node_boot_time_seconds", help: "Node boot time, in unixtime.", type: .gauge)
    static let procsRunning = MetricDescriptor(name: "node_procs_running", help: "Number of processes in runnable state.", type: .gauge)
    static let procsBlocked = MetricDescriptor(
        name: "node_procs_blocked", help: "Number of processes blocked waiting for I/O to complete.", type: .gauge)
    static let softIRQs = MetricDescriptor(name: "node_softirqs_total", help: "Number of softirq calls.", type: .counter, labels: ["vector"])

    private let paths: HostPaths
    private let options: Options

    public init(paths: HostPaths, options: Options) {
        self.paths = paths
        self.options = options
    }

    public func collect(into sink: MetricSink) throws {
        let stat = try KernelFile.parse(paths.proc("stat"), with: ProcStat.parse)
        sink.add(Self.interrupts, Double(stat.interruptsTotal))
        sink.add(Self.contextSwitches, Double(stat.contextSwitches))
        sink.add(Self.forks, Double(stat.processesCreated))
        sink.add(Self.bootTime, Double(stat.bootTime))
        sink.add(Self.procsRunning, Double(stat.processesRunning))
        sink.add(Self.procsBlocked, Double(stat.processesBlocked))
        if options.softirq {
            for (name, count) in zip(SoftIRQCounts.vectorNames, stat.softIRQ.perVector) {
                sink.add(Self.softIRQs, Double(count), name)
            }
        }
    }
}
