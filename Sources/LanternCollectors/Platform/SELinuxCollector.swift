import Glibc
import LanternMetrics
import LanternSupport

/// node_exporter's `selinux` collector. Whether SELinux is on, and its modes, come from
/// the live host (as opencontainers/go-selinux finds them: a writable selinuxfs and a
/// process label other than `kernel`); the AVC statistics from `--path.sysfs`.
public struct SELinuxCollector: Collector {
    /// Where the SELinux state is read; `live` is the host's.
    struct Host: Sendable {
        /// The selinuxfs mount point, nil when SELinux is not available.
        var mountPoint: @Sendable () -> String?
        var processLabelPath = "/proc/thread-self/attr/current"
        var configPath = "/etc/selinux/config"

        static let live = Host(mountPoint: { SELinuxCollector.liveMountPointOnce })
    }

    static func gauge(_ name: String, _ help: String) -> MetricDescriptor {
        MetricDescriptor(name: "node_selinux_" + name, help: help, type: .gauge)
    }
    static let enabled = gauge("enabled", "SELinux is enabled, 1 is true, 0 is false")
    static let configMode = gauge("config_mode", "Configured SELinux enforcement mode")
    static let currentMode = gauge("current_mode", "Current SELinux enforcement mode")
    static let avcCounters: [(column: String, descriptor: MetricDescriptor)] = [
        ("lookups", "avc_lookups_total", "SELinux AVC lookups"), ("hits", "avc_hits_total", "SELinux AVC hits"),
        ("misses", "avc_misses_total", "SELinux AVC misses"), ("allocations", "avc_allocations_total", "SELinux AVC allocations"),
        ("reclaims", "avc_reclaims_total", "SELinux AVC reclaims"), ("frees", "avc_frees_total", "SELinux AVC frees"),
    ].map { ($0.0, MetricDescriptor(name: "node_selinux_" + $0.1, help: $0.2, type: .counter)) }
    static let avcHash: [(key: String, descriptor: MetricDescriptor)] = [
        ("entries", gauge("avc_hash_entries", "SELinux AVC hash entries")),
        ("buckets_available", gauge("avc_hash_buckets_available", "SELinux AVC hash buckets available")),
        ("buckets_used", gauge("avc_hash_buckets_used", "SELinux AVC hash buckets used")),
        ("longest_chain", gauge("avc_hash_longest_chain", "SELinux AVC hash longest chain")),
    ]
    static let avcThreshold = gauge("avc_threshold", "SELinux AVC threshold")

    private let paths: HostPaths
    private let host: Host

    public init(paths: HostPaths) {
        self.init(paths: paths, host: .live)
    }

    init(paths: HostPaths, host: Host) {
        self.paths = paths
        self.host = host
    }

    public func collect(into sink: MetricSink) throws {
        // go-selinux ignores a label read error: only an explicit `kernel` label means off.
        guard let mountPoint = host.mountPoint(),
              (try? KernelFile.attribute(host.processLabelPath)).map({ $0.trimmingNUL() }) != "kernel" else {
            sink.add(Self.enabled, 0)
            return
        }
        sink.add(Self.enabled, 1)
        let config = (try? KernelFile.read(host.configPath)).map(SELinuxFiles.parseConfigMode) ?? -1
        sink.add(Self.configMode, Double(config))
        let current = (try? KernelFile.readUInt(mountPoint + "/enforce")).map(Int.init) ?? -1
        sink.add(Self.currentMode, Double(current))

        let cache = try KernelFile.parse(paths.sys("fs/selinux/avc/cache_stats"), with: SELinuxFiles.parseCacheStats)
        for entry in Self.avcCounters { sink.add(entry.descriptor, Double(cache[entry.column] ?? 0)) }
        let hash = try KernelFile.parse(paths.sys("fs/selinux/avc/hash_stats"), with: SELinuxFiles.parseHashStats)
        for entry in Self.avcHash { sink.add(entry.descriptor, Double(hash[entry.key] ?? 0)) }
        sink.add(Self.avcThreshold, Double(try KernelFile.readUInt(paths.sys("fs/selinux/avc/cache_threshold"))))
    }

    /// go-selinux looks the mount point up once per process (`sync.Once`); so does this,
    /// instead of parsing /proc/self/mountinfo on every scrape.
    static let liveMountPointOnce: String? = liveMountPoint()

    /// go-selinux's `findSELinuxfs`: a writable selinuxfs mount, `/sys/fs/selinux` first.
    /// go-selinux checks the filesystem magic with statfs(2), which Glibc's overlay does
    /// not import; the mount table's filesystem type says the same.
    @Sendable static func liveMountPoint() -> String? {
        guard let mountinfo = try? KernelFile.read("/proc/self/mountinfo") else { return nil }
        var mountPoints: [String] = []
        for line in mountinfo.split(separator: "\n") {
            // Fields after the " - " separator: filesystem type, source, options.
            guard let separator = line.firstRange(of: " - ") else { continue }
            let type = line[separator.upperBound...].split(separator: " ").first
            if type == "selinuxfs", let mountPoint = line[..<separator.lowerBound].split(separator: " ").dropFirst(4).first {
                mountPoints.append(String(mountPoint))
            }
        }
        let ordered = mountPoints.filter { $0 == "/sys/fs/selinux" } + mountPoints.filter { $0 != "/sys/fs/selinux" }
        return ordered.first(where: isWritable)
    }

    /// A read-only selinuxfs (in containers) does not count.
    private static func isWritable(_ path: String) -> Bool {
        var info = statvfs()
        return statvfs(path, &info) == 0 && info.f_flag & UInt(ST_RDONLY) == 0
    }
}

private extension String {
    /// Process labels end with a NUL byte.
    func trimmingNUL() -> String {
        var text = self
        while text.last == "\0" { text.removeLast() }
        return text
    }
}
