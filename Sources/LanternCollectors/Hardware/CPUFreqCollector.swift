import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `cpufreq` collector: per-CPU frequencies and the governor from
/// `devices/system/cpu/cpuN/cpufreq`.
public struct CPUFreqCollector: Collector {
    static let frequency = MetricDescriptor(
        name: "node_cpu_frequency_hertz", help: "Current cpu thread frequency in hertz.", type: .gauge, labels: ["cpu"])
    static let frequencyMinimum = MetricDescriptor(
        name: "node_cpu_frequency_min_hertz", help: "Minimum cpu thread frequency in hertz.", type: .gauge, labels: ["cpu"])
    static let frequencyMaximum = MetricDescriptor(
        name: "node_cpu_frequency_max_hertz", help: "Maximum cpu thread frequency in hertz.", type: .gauge, labels: ["cpu"])
    static let scalingFrequency = MetricDescriptor(
        name: "node_cpu_scaling_frequency_hertz", help: "Current scaled CPU thread frequency in hertz.", type: .gauge, labels: ["cpu"])
    static let scalingFrequencyMinimum = MetricDescriptor(
        name: "node_cpu_scaling_frequency_min_hertz", help: "Minimum scaled CPU thread frequency in hertz.", type: .gauge, labels: ["cpu"])
    static let scalingFrequencyMaximum = MetricDescriptor(
        name: "node_cpu_scaling_frequency_max_hertz", help: "Maximum scaled CPU thread frequency in hertz.", type: .gauge, labels: ["cpu"])
    static let governor = MetricDescriptor(
        name: "node_cpu_scaling_governor", help: "Current enabled CPU frequency governor.", type: .gauge, labels: ["cpu", "governor"])

    /// Which frequency goes to which family; sysfs gives kHz.
    static let frequencies: [(descriptor: MetricDescriptor, value: KeyPath<CPUFreqStats, UInt64?> & Sendable)] = [
        (frequency, \.cpuinfoCurrent), (frequencyMinimum, \.cpuinfoMinimum), (frequencyMaximum, \.cpuinfoMaximum),
        (scalingFrequency, \.scalingCurrent), (scalingFrequencyMinimum, \.scalingMinimum), (scalingFrequencyMaximum, \.scalingMaximum),
    ]

    private let paths: HostPaths

    public init(paths: HostPaths) {
        self.paths = paths
    }

    public func collect(into sink: MetricSink) throws {
        for stats in try SysfsCPUFreq.read(sysfsCPU: paths.sys("devices/system/cpu")) {
            for entry in Self.frequencies {
                if let kilohertz = stats[keyPath: entry.value] {
                    sink.add(entry.descriptor, Double(kilohertz) * 1000, stats.cpu)
                }
            }
            guard !stats.governor.isEmpty else { continue }
            // Split on single spaces like Go's strings.Split, empty names included.
            for name in stats.availableGovernors.split(separator: " ", omittingEmptySubsequences: false) {
                sink.add(Self.governor, name == stats.governor ? 1 : 0, stats.cpu, String(name))
            }
        }
    }
}
