import LanternMetrics
import Logging
import Synchronization
import LanternSupport

/// node_exporter's `cpu` collector: per-CPU times from /proc/stat, optional
/// /proc/cpuinfo details, isolated and online CPUs, and thermal throttle counts.
public final class CPUCollector: Collector {
    public struct Options: Sendable {
        /// `--collector.cpu.guest`: expose node_cpu_guest_seconds_total.
        public var guest = true
        /// `--collector.cpu.info`: expose node_cpu_info (and the frequency, flags and bugs).
        public var info = false
        /// `--collector.cpu.info.flags-include`; empty exposes no node_cpu_flag_info.
        public var flagsInclude = ""
        /// `--collector.cpu.info.bugs-include`; empty exposes no node_cpu_bug_info.
        public var bugsInclude = ""
        /// node_exporter exposes node_cpu_frequency_hertz only while the cpufreq collector is enabled.
        public var cpufreqEnabled = true

        public init(guest: Bool = true, info: Bool = false, flagsInclude: String = "", bugsInclude: String = "", cpufreqEnabled: Bool = true) {
            self.guest = guest
            self.info = info
            self.flagsInclude = flagsInclude
            self.bugsInclude = bugsInclude
            self.cpufreqEnabled = cpufreqEnabled
        }
    }

    static let seconds = MetricDescriptor(
        name: "node_cpu_seconds_total", help: "Seconds the CPUs spent in each mode.", type: .counter, labels: ["cpu", "mode"])
    static let guestSeconds = MetricDescriptor(
        name: "node_cpu_guest_seconds_total", help: "Seconds the CPUs spent in guests (VMs) for each mode.",
        type: .counter, labels: ["cpu", "mode"])
    static let info = MetricDescriptor(
        name: "node_cpu_info", help: "CPU information from /proc/cpuinfo.", type: .gauge,
        labels: ["package", "core", "cpu", "vendor", "family", "model", "model_name", "microcode", "stepping", "cachesize"])
    static let frequency = MetricDescriptor(
        name: "node_cpu_frequency_hertz", help: "CPU frequency in hertz from /proc/cpuinfo.", type: .gauge,
        labels: ["package", "core", "cpu"])
    static let flagInfo = MetricDescriptor(
        name: "node_cpu_flag_info", help: "The `flags` field of CPU information from /proc/cpuinfo taken from the first core.",
        type: .gauge, labels: ["flag"])
    static let bugInfo = MetricDescriptor(
        name: "node_cpu_bug_info", help: "The `bugs` field of CPU information from /proc/cpuinfo taken from the first core.",
        type: .gauge, labels: ["bug"])
    static let coreThrottles = MetricDescriptor(
        name: "node_cpu_core_throttles_total", help: "Number of times this CPU core has been throttled.", type: .counter,
        labels: ["package", "core"])
    static let packageThrottles = MetricDescriptor(
        name: "node_cpu_package_throttles_total", help: "Number of times this CPU package has been throttled.", type: .counter,
        labels: ["package"])
    static let isolated = MetricDescriptor(
        name: "node_cpu_isolated", help: "Whether each core is isolated, information from /sys/devices/system/cpu/isolated.",
        type: .gauge, labels: ["cpu"])
    static let online = MetricDescriptor(
        name: "node_cpu_online", help: "CPUs that are online and being scheduled.", type: .gauge, labels: ["cpu"])

    /// Modes of node_cpu_seconds_total, by name: the order they are exposed in.
    static let modes: [(label: String, time: CPUTimes.Column)] = [
        ("idle", .idle), ("iowait", .iowait), ("irq", .irq), ("nice", .nice), ("softirq", .softirq),
        ("steal", .steal), ("system", .system), ("user", .user),
    ]
    /// Every counter guarded against going backwards, with the name node_exporter logs.
    static let guardedCounters: [(logName: String, time: CPUTimes.Column)] = [
        ("Idle", .idle), ("User", .user), ("Nice", .nice), ("System", .system), ("Iowait", .iowait),
        ("IRQ", .irq), ("SoftIRQ", .softirq), ("Steal", .steal), ("Guest", .guest), ("GuestNice", .guestNice),
    ]
    /// An idle counter this many seconds lower than last time means the CPU was
    /// hot-plugged: its remembered values are dropped instead of kept.
    static let hotplugJumpBackSeconds = 3.0

    private let paths: HostPaths
    private let options: Options
    private let flagsFilter: IncludeFilter?
    private let bugsFilter: IncludeFilter?
    /// Read once at start, as node_exporter does (isolcpus changes need a reboot).
    private let isolatedCPUs: [UInt16]
    private let logger: Logger
    /// Last exposed times per CPU: counters never go backwards between two scrapes.
    private let lastTimes = Mutex<[Int: CPUTimes]>([:])

    public init(paths: HostPaths, options: Options, logger: Logger) throws {
        var options = options
        if (!options.flagsInclude.isEmpty || !options.bugsInclude.isEmpty) && !options.info {
            options.info = true
            logger.info("--collector.cpu.info has been set to `true` because you set the following flags, like --collector.cpu.info.flags-include and --collector.cpu.info.bugs-include")
        }
        do {
            flagsFilter = options.flagsInclude.isEmpty ? nil : try IncludeFilter(pattern: options.flagsInclude)
            bugsFilter = options.bugsInclude.isEmpty ? nil : try IncludeFilter(pattern: options.bugsInclude)
        } catch {
            throw CollectorError("fail to compile --collector.cpu.info.flags-include and --collector.cpu.info.bugs-include, the values of them must be regular expressions: \(error)")
        }
        do {
            isolatedCPUs = try KernelFile.parse(paths.sys("devices/system/cpu/isolated"), with: SysfsCPU.parseCPUList)
        } catch where error.isNotFound {
            logger.debug("Could not open isolated file", metadata: ["error": "\(error)"])
            isolatedCPUs = []
        } catch {
            throw CollectorError("Unable to get isolated cpus: \(error)")
        }
        self.paths = paths
        self.options = options
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        if options.info {
            try collectInfo(into: sink)
        }
        try collectTimes(into: sink)
        for cpu in isolatedCPUs {
            sink.add(Self.isolated, 1, String(cpu))
        }
        // Listed once for both: each listing is an open, getdents and close.
        let cpuDirectory = paths.sys("devices/system/cpu")
        let cpus = SysfsCPU.cpuDirectories(sysfsCPU: cpuDirectory)
        collectThermalThrottles(cpus, in: cpuDirectory, into: sink)
        collectOnline(cpus, in: cpuDirectory, into: sink)
    }

    private func collectInfo(into sink: MetricSink) throws {
        let processors = try KernelFile.parse(paths.proc("cpuinfo"), with: CPUInfo.parse)
        for cpu in processors {
            sink.add(Self.info, 1, cpu.physicalID, cpu.coreID, String(cpu.processor), cpu.vendorID, cpu.cpuFamily,
                     cpu.model, cpu.modelName, cpu.microcode, cpu.stepping, cpu.cacheSize)
        }
        if options.cpufreqEnabled {
            for cpu in processors {
                sink.add(Self.frequency, cpu.megahertz * 1e6, cpu.physicalID, cpu.coreID, String(cpu.processor))
            }
        }
        guard let first = processors.first else { return }
        addMatching(first.flags, filter: flagsFilter, as: Self.flagInfo, into: sink)
        addMatching(first.bugs, filter: bugsFilter, as: Self.bugInfo, into: sink)
    }

    private func addMatching(_ values: [String], filter: IncludeFilter?, as descriptor: MetricDescriptor, into sink: MetricSink) {
        guard let filter else { return }
        for value in values where filter.matches(value) {
            sink.add(descriptor, 1, value)
        }
    }

    private func collectTimes(into sink: MetricSink) throws {
        let stat = try KernelFile.parse(paths.proc("stat"), with: ProcStat.parse)
        let exposed = lastTimes.withLock { last in
            for (cpu, current) in stat.perCPU {
                last[cpu] = guarded(current, previous: last[cpu] ?? CPUTimes(), cpu: cpu)
            }
            // CPUs gone offline disappear from /proc/stat: stop exposing them.
            last = last.filter { stat.perCPU[$0.key] != nil }
            return last
        }
        // Series in exposition order (cpu label as text, then mode), so that the registry
        // does not sort 8 series per CPU every scrape.
        let ordered = exposed.map { (label: String($0.key), times: $0.value) }.sorted { $0.label.utf8Precedes($1.label) }
        for (cpuLabel, times) in ordered {
            for mode in Self.modes {
                sink.add(Self.seconds, times[mode.time], cpuLabel, mode.label)
            }
            if options.guest {
                // Guest time is also counted in user and nice; exposed apart.
                sink.add(Self.guestSeconds, times.guestNice, cpuLabel, "nice")
                sink.add(Self.guestSeconds, times.guest, cpuLabel, "user")
            }
        }
    }

    /// node_exporter's guard: each counter keeps its previous value when the kernel
    /// reports a lower one, except after a hotplug (idle far lower), which starts over.
    private func guarded(_ current: CPUTimes, previous: CPUTimes, cpu: Int) -> CPUTimes {
        var result = previous
        if previous.idle - current.idle >= Self.hotplugJumpBackSeconds {
            logger.debug("CPU Idle counter jumped backwards more than \(Self.hotplugJumpBackSeconds) seconds, possible hotplug event, resetting CPU stats",
                         metadata: ["cpu": "\(cpu)", "old_value": "\(previous.idle)", "new_value": "\(current.idle)"])
            result = CPUTimes()
        }
        for counter in Self.guardedCounters {
            if current[counter.time] >= result[counter.time] {
                result[counter.time] = current[counter.time]
            } else {
                logger.debug("CPU \(counter.logName) counter jumped backwards",
                             metadata: ["cpu": "\(cpu)", "old_value": "\(result[counter.time])", "new_value": "\(current[counter.time])"])
            }
        }
        return result
    }

    /// Thermal throttle counts: one per package and one per (package, core), read from
    /// the first CPU of each; CPUs without topology or counters are skipped.
    private func collectThermalThrottles(_ cpus: [String], in cpuDirectory: String, into sink: MetricSink) {
        var packageCounts: [UInt64: UInt64] = [:]
        var coreCounts: [UInt64: [UInt64: UInt64]] = [:]
        var coresSeen: Set<[UInt64]> = []
        for name in cpus {
            let cpu = cpuDirectory + "/" + name
            guard let package = try? KernelFile.readUInt(cpu + "/topology/physical_package_id") else {
                logger.debug("CPU is missing physical_package_id", metadata: ["cpu": "\(cpu)"])
                continue
            }
            guard let core = try? KernelFile.readUInt(cpu + "/topology/core_id") else {
                logger.debug("CPU is missing core_id", metadata: ["cpu": "\(cpu)"])
                continue
            }
            if coresSeen.insert([package, core]).inserted {
                if let count = try? KernelFile.readUInt(cpu + "/thermal_throttle/core_throttle_count") {
                    coreCounts[package, default: [:]][core] = count
                } else {
                    logger.debug("CPU is missing core_throttle_count", metadata: ["cpu": "\(cpu)"])
                }
            }
            if packageCounts[package] == nil {
                if let count = try? KernelFile.readUInt(cpu + "/thermal_throttle/package_throttle_count") {
                    packageCounts[package] = count
                } else {
                    logger.debug("CPU is missing package_throttle_count", metadata: ["cpu": "\(cpu)"])
                }
            }
        }
        for (package, count) in packageCounts {
            sink.add(Self.packageThrottles, Double(count), String(package))
        }
        for (package, cores) in coreCounts {
            for (core, count) in cores {
                sink.add(Self.coreThrottles, Double(count), String(package), String(core))
            }
        }
    }

    /// node_cpu_online, only where the kernel has per-CPU `online` files (it has none on
    /// systems without CPU hotplug, judged by the first CPU as node_exporter does).
    private func collectOnline(_ cpus: [String], in cpuDirectory: String, into sink: MetricSink) {
        guard let first = cpus.first else { return }
        do {
            _ = try KernelFile.read(cpuDirectory + "/" + first + "/online")
        } catch where error.isNotFound {
            return
        } catch {
            // Unreadable but present: node_exporter goes on and reports such CPUs as offline.
        }
        for name in cpus {
            let online = (try? KernelFile.parse(cpuDirectory + "/" + name + "/online", with: SysfsCPU.parseOnline)) ?? false
            sink.add(Self.online, online ? 1 : 0, String(name.dropFirst(3)))
        }
    }
}
