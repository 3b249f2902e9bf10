import LanternFlags
import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `filesystem` collector: every mount of /proc/1/mountinfo that the
/// mount point and type filters keep, with the sizes statfs(2) reports. statfs runs on a
/// bounded set of threads under a timeout, but for local file systems whose statfs cannot
/// hang (see `MountStatter`).
public struct FilesystemCollector: Collector {
    public struct Options: Sendable {
        public var mountPointsExclude: String
        public var mountPointsInclude: String
        public var fsTypesExclude: String
        public var fsTypesInclude: String
        /// `--collector.filesystem.mount-timeout`, in seconds.
        public var mountTimeout: Double
        /// `--collector.filesystem.stat-workers`.
        public var statWorkers: Int

        public init(
            mountPointsExclude: String = FilesystemFlags.defaultMountPointsExclude, mountPointsInclude: String = "",
            fsTypesExclude: String = FilesystemFlags.defaultFSTypesExclude, fsTypesInclude: String = "",
            mountTimeout: Double = 5, statWorkers: Int = 4
        ) {
            self.mountPointsExclude = mountPointsExclude
            self.mountPointsInclude = mountPointsInclude
            self.fsTypesExclude = fsTypesExclude
            self.fsTypesInclude = fsTypesInclude
            self.mountTimeout = mountTimeout
            self.statWorkers = statWorkers
        }
    }

    static let labelNames = ["device", "mountpoint", "fstype", "device_error"]
    static let size = gauge("size_bytes", "Filesystem size in bytes.")
    static let free = gauge("free_bytes", "Filesystem free space in bytes.")
    static let available = gauge("avail_bytes", "Filesystem space available to non-root users in bytes.")
    static let files = gauge("files", "Filesystem total file nodes.")
    static let filesFree = gauge("files_free", "Filesystem total free file nodes.")
    static let readOnly = gauge("readonly", "Filesystem read-only status.")
    static let deviceError = gauge("device_error", "Whether an error occurred while getting statistics for the given device.")
    static let mountInfo = MetricDescriptor(
        name: "node_filesystem_mount_info", help: "Filesystem mount information.", type: .gauge,
        labels: ["device", "major", "minor", "mountpoint"])

    private static func gauge(_ name: String, _ help: String) -> MetricDescriptor {
        MetricDescriptor(name: "node_filesystem_" + name, help: help, type: .gauge, labels: labelNames)
    }

    /// The label values of one mount, and what decides which mounts are duplicates.
    struct MountLabels: Hashable {
        var device: String
        var mountPoint: String
        var fsType: String
        var major: String
        var minor: String
        var readOnly: Bool
        var deviceError = ""
    }

    private let paths: HostPaths
    private let mountPointFilter: DeviceFilter
    private let fsTypeFilter: DeviceFilter
    private let statter: MountStatter
    private let logger: Logger
    /// The mounts' labels and whether their statfs needs the timeout, kept while mountinfo
    /// reads the same.
    private let mountLabels = UnchangedTextCache<[(labels: MountLabels, needsTimeout: Bool)]>()

    public init(paths: HostPaths, options: Options, logger: Logger) throws {
        try self.init(paths: paths, options: options, logger: logger, statfs: MountStatter.systemStatfs)
    }

    init(paths: HostPaths, options: Options, logger: Logger, statfs: @escaping @Sendable (String) -> StatfsOutcome) throws {
        self.paths = paths
        self.logger = logger
        mountPointFilter = try DeviceFilter(exclude: options.mountPointsExclude, include: options.mountPointsInclude)
        fsTypeFilter = try DeviceFilter(exclude: options.fsTypesExclude, include: options.fsTypesInclude)
        statter = MountStatter(workers: options.statWorkers, timeoutSeconds: options.mountTimeout, logger: logger, statfs: statfs)
    }

    public func collect(into sink: MetricSink) throws {
        var mounts: [MountLabels] = []
        var targets: [StatTarget] = []
        var stuck: [MountLabels] = []
        for (labels, needsTimeout) in try readMounts() {
            if mountPointFilter.ignores(labels.mountPoint) {
                logger.debug("Ignoring mount point", metadata: ["mountpoint": "\(labels.mountPoint)"])
                continue
            }
            if fsTypeFilter.ignores(labels.fsType) {
                logger.debug("Ignoring fs", metadata: ["type": "\(labels.fsType)"])
                continue
            }
            if statter.isStuck(labels.mountPoint) {
                logger.debug("Mount point is in an unresponsive state", metadata: ["mountpoint": "\(labels.mountPoint)"])
                stuck.append(labels)
                continue
            }
            mounts.append(labels)
            targets.append(StatTarget(mountPoint: labels.mountPoint, path: rootfsPath(labels.mountPoint), needsTimeout: needsTimeout))
        }

        // node_exporter lists stuck mounts first, then the others as their statfs answers.
        var seen: Set<MountLabels> = []
        for var labels in stuck {
            labels.deviceError = "mountpoint timeout"
            expose(labels, .timedOut, into: sink, seen: &seen)
        }
        for (labels, outcome) in zip(mounts, statter.stat(targets)) {
            expose(labels, outcome, into: sink, seen: &seen)
        }
    }

    private func expose(_ mount: MountLabels, _ outcome: StatfsOutcome, into sink: MetricSink, seen: inout Set<MountLabels>) {
        var labels = mount
        var readOnly = mount.readOnly ? 1.0 : 0.0
        switch outcome {
        case .stats: break
        case .failed(let error):
            labels.deviceError = error
            logger.debug("Error on statfs() system call", metadata: ["rootfs": "\(rootfsPath(mount.mountPoint))", "err": "\(error)"])
        case .timedOut:
            labels.deviceError = "mountpoint timeout"
            readOnly = 0
        }
        guard seen.insert(labels).inserted else { return }
        let values = [labels.device, labels.mountPoint, labels.fsType, labels.deviceError]
        guard case .stats(let usage) = outcome else {
            sink.add(Self.deviceError, 1, labelValues: values)
            sink.add(Self.readOnly, readOnly, labelValues: values)
            return
        }
        sink.add(Self.deviceError, 0, labelValues: values)
        sink.add(Self.readOnly, readOnly, labelValues: values)
        sink.add(Self.size, usage.sizeBytes, labelValues: values)
        sink.add(Self.free, usage.freeBytes, labelValues: values)
        sink.add(Self.available, usage.availableBytes, labelValues: values)
        sink.add(Self.files, usage.files, labelValues: values)
        sink.add(Self.filesFree, usage.filesFree, labelValues: values)
        sink.add(Self.mountInfo, 1, labelValues: [labels.device, labels.major, labels.minor, labels.mountPoint])
    }

    /// The labels of every mount of /proc/1/mountinfo (the host's mounts even from a
    /// container sharing its PID namespace), else of /proc/self/mountinfo when hidepid
    /// hides PID 1, and whether its statfs needs the timeout. Under `--path.rootfs` every
    /// statfs does: the paths stat'ed are looked up through this process's own mounts, which
    /// that file does not list. Parsed again only when the file's text changed.
    private func readMounts() throws -> [(labels: MountLabels, needsTimeout: Bool)] {
        let (text, path) = try readMountInfo()
        return try mountLabels.value(for: text) { (text) throws(KernelFileError) in
            let mounts = try KernelFile.parse(text, from: path, with: MountInfo.parse)
            let needsTimeout = paths.rootfs == "/"
                ? MountStatter.needsTimeout(mounts.map { ($0.mountPoint, $0.fsType) })
                : Array(repeating: true, count: mounts.count)
            return zip(mounts, needsTimeout).map { mount, needsTimeout in
                let labels = MountLabels(
                    device: mount.source, mountPoint: strippingRootfs(unescapedMountPoint(mount.mountPoint)), fsType: mount.fsType,
                    major: String(mount.major), minor: String(mount.minor), readOnly: mount.isReadOnly)
                return (labels, needsTimeout)
            }
        }
    }

    private func readMountInfo() throws(KernelFileError) -> (text: String, path: String) {
        let rootMounts = paths.proc("1/mountinfo")
        do {
            return (try KernelFile.read(rootMounts), rootMounts)
        } catch {
            guard error.isNotFound else { throw error }
            logger.debug("Reading root mounts failed, falling back to self mounts", metadata: ["err": "\(error)"])
        }
        let selfMounts = paths.proc("self/mountinfo")
        return (try KernelFile.read(selfMounts), selfMounts)
    }

    /// node_exporter undoes only the space and tab escapes (fstab(5)) in mount points.
    private func unescapedMountPoint(_ raw: String) -> String {
        guard raw.utf8.contains(UInt8(ascii: "\\")) else { return raw }
        return raw.replacing("\\040", with: " ").replacing("\\011", with: "\t")
    }

    /// The mount point as the host sees it: `--path.rootfs` removed from its front.
    private func strippingRootfs(_ mountPoint: String) -> String {
        guard paths.rootfs != "/", mountPoint.hasPrefix(paths.rootfs) else { return mountPoint }
        let stripped = mountPoint.dropFirst(paths.rootfs.count)
        return stripped.isEmpty ? "/" : String(stripped)
    }

    /// Where to stat a host mount point from here: below `--path.rootfs` (Go's filepath.Join).
    private func rootfsPath(_ mountPoint: String) -> String {
        cleanPath(paths.rootfs + "/" + mountPoint)
    }
}

/// Go's `filepath.Clean` for absolute and relative paths: no empty or `.` components,
/// `..` resolved lexically.
func cleanPath(_ path: String) -> String {
    let absolute = path.hasPrefix("/")
    var parts: [Substring] = []
    for part in path.split(separator: "/") where part != "." {
        if part == "..", let last = parts.last, last != ".." {
            parts.removeLast()
        } else if part == ".." && absolute {
            continue
        } else {
            parts.append(part)
        }
    }
    let joined = parts.joined(separator: "/")
    if absolute { return "/" + joined }
    return joined.isEmpty ? "." : joined
}

public enum FilesystemFlags {
    public static let defaultMountPointsExclude = "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)"
    public static let defaultFSTypesExclude =
        "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$"

    static let mountPointsExclude = Flag(
        "collector.filesystem.mount-points-exclude",
        help: "Regexp of mount points to exclude for filesystem collector. (mutually exclusive to mount-points-include)",
        default: defaultMountPointsExclude)
    static let oldMountPointsExclude = Flag(
        "collector.filesystem.ignored-mount-points", help: "Regexp of mount points to ignore for filesystem collector.", hidden: true)
    static let mountPointsInclude = Flag(
        "collector.filesystem.mount-points-include",
        help: "Regexp of mount points to include for filesystem collector. (mutually exclusive to mount-points-exclude)")
    static let fsTypesExclude = Flag(
        "collector.filesystem.fs-types-exclude",
        help: "Regexp of filesystem types to exclude for filesystem collector. (mutually exclusive to fs-types-include)",
        default: defaultFSTypesExclude)
    static let oldFSTypesExclude = Flag(
        "collector.filesystem.ignored-fs-types", help: "Regexp of filesystem types to ignore for filesystem collector.", hidden: true)
    // The help text says "exclude" in node_exporter too.
    static let fsTypesInclude = Flag(
        "collector.filesystem.fs-types-include",
        help: "Regexp of filesystem types to exclude for filesystem collector. (mutually exclusive to fs-types-exclude)")
    static let mountTimeout = Flag(
        "collector.filesystem.mount-timeout", help: "how long to wait for a mount to respond before marking it as stale",
        kind: .duration, default: "5s", hidden: true)
    static let statWorkers = Flag(
        "collector.filesystem.stat-workers", help: "how many stat calls to process simultaneously", kind: .int, default: "4", hidden: true)
    static let all = [
        mountPointsExclude, oldMountPointsExclude, mountPointsInclude, fsTypesExclude, oldFSTypesExclude, fsTypesInclude,
        mountTimeout, statWorkers,
    ]

    static func options(from flags: ParsedFlags, logger: Logger) throws -> FilesystemCollector.Options {
        let mountPoints = try excludeIncludePatterns(
            exclude: mountPointsExclude, deprecated: oldMountPointsExclude, include: mountPointsInclude, flags: flags, logger: logger)
        let fsTypes = try excludeIncludePatterns(
            exclude: fsTypesExclude, deprecated: oldFSTypesExclude, include: fsTypesInclude, flags: flags, logger: logger)
        return FilesystemCollector.Options(
            mountPointsExclude: mountPoints.exclude, mountPointsInclude: mountPoints.include,
            fsTypesExclude: fsTypes.exclude, fsTypesInclude: fsTypes.include,
            mountTimeout: flags.duration(mountTimeout.name), statWorkers: flags.int(statWorkers.name))
    }
}
