import LanternMetrics
import LanternSupport

/// node_exporter's `kernel_hung` collector: /proc/sys/kernel/hung_task_detect_count.
public struct KernelHungCollector: Collector {
    static let hungTasks = MetricDescriptor(
        name: "node_kernel_hung_tasks_total", help: "Total number of tasks that have been detected as hung since the system booted.",
        type: .counter)

    private let paths: HostPaths

    public init(paths: HostPaths) { self.paths = paths }

    public func collect(into sink: MetricSink) throws {
        sink.add(Self.hungTasks, Double(try KernelFile.readUInt(paths.proc("sys/kernel/hung_task_detect_count"))))
    }
}
