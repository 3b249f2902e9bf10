import Glibc
import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `processes` collector: processes and threads by state, counted by
/// walking /proc/[pid]/stat and /proc/[pid]/task/[tid]/stat, and the kernel's limits.
public struct ProcessesCollector: Collector {
    static let threads = MetricDescriptor(name: "node_processes_threads", help: "Allocated threads in system", type: .gauge)
    static let maxThreads = MetricDescriptor(name: "node_processes_max_threads", help: "Limit of threads in the system", type: .gauge)
    static let threadsState = MetricDescriptor(
        name: "node_processes_threads_state", help: "Number of threads in each state.", type: .gauge, labels: ["thread_state"])
    static let state = MetricDescriptor(
        name: "node_processes_state", help: "Number of processes in each state.", type: .gauge, labels: ["state"])
    static let pids = MetricDescriptor(name: "node_processes_pids", help: "Number of PIDs", type: .gauge)
    static let maxProcesses = MetricDescriptor(name: "node_processes_max_processes", help: "Number of max PIDs limit", type: .gauge)

    private let paths: HostPaths
    private let logger: Logger

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        var processCount = 0, threadCount = 0
        var processStates: [String: Int] = [:], threadStates: [String: Int] = [:]
        let pidNames: [String]
        do {
            pidNames = try KernelFile.entries(of: paths.procfs).filter { Int($0) != nil }
        } catch {
            throw CollectorError("unable to retrieve number of allocated threads: unable to list all processes: \(error)")
        }
        for pid in pidNames {
            guard let stat = try statIfPresent(pid + "/stat", what: "pid \(pid)") else { continue }
            processCount += 1
            processStates[stat.state, default: 0] += 1
            threadCount &+= stat.threads
            try countThreadStates(pid: pid, processStat: stat, into: &threadStates)
        }
        sink.add(Self.threads, Double(threadCount))
        let threadLimit: UInt64, pidLimit: UInt64
        do {
            threadLimit = try KernelFile.readUInt(paths.proc("sys/kernel/threads-max"))
        } catch {
            throw CollectorError("unable to retrieve limit number of threads: \(error)")
        }
        sink.add(Self.maxThreads, Double(threadLimit))
        for (state, count) in processStates {
            sink.add(Self.state, Double(count), state)
        }
        for (state, count) in threadStates {
            sink.add(Self.threadsState, Double(count), state)
        }
        do {
            pidLimit = try KernelFile.readUInt(paths.proc("sys/kernel/pid_max"))
        } catch {
            throw CollectorError("unable to retrieve limit number of maximum pids alloved: \(error)")
        }
        sink.add(Self.pids, Double(processCount))
        sink.add(Self.maxProcesses, Double(pidLimit))
    }

    /// The thread states of one process; the main thread counts with the process' state.
    private func countThreadStates(pid: String, processStat: PIDStat, into states: inout [String: Int]) throws {
        let tasks: [String]
        do {
            tasks = try KernelFile.entries(of: paths.proc(pid + "/task")).filter { Int($0) != nil }
        } catch where Self.vanished(error) {
            logger.debug("file not found when retrieving tasks for pid", metadata: ["pid": "\(pid)", "err": "\(error)"])
            return
        } catch {
            throw CollectorError("unable to retrieve number of allocated threads: error reading task for pid \(pid): \(error)")
        }
        for task in tasks {
            if task == pid {
                states[processStat.state, default: 0] += 1
            } else if let stat = try statIfPresent(pid + "/task/" + task + "/stat", what: "pid \(pid) thread \(task)") {
                states[stat.state, default: 0] += 1
            }
        }
    }

    /// A process or thread stat, nil when it exited while being read.
    private func statIfPresent(_ relative: String, what: String) throws -> PIDStat? {
        do {
            return try KernelFile.parse(paths.proc(relative), with: PIDStat.parse)
        } catch where Self.vanished(error) {
            logger.debug("file not found when retrieving stats", metadata: ["process": "\(what)", "err": "\(error)"])
            return nil
        } catch {
            throw CollectorError("unable to retrieve number of allocated threads: error reading stat for \(what): \(error)")
        }
    }

    /// Processes and threads can exit between listing and reading.
    private static func vanished(_ error: KernelFileError) -> Bool {
        error.isNotFound || error.errno == ESRCH
    }
}
