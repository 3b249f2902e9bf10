import Glibc
import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `zfs` collector: every 64-bit kstat of /proc/spl/kstat/zfs as an untyped
/// metric named after the kstat (help: the kstat's sysctl-style name), plus per-pool I/O,
/// per-dataset counters and pool states.
public struct ZFSCollector: Collector {
    /// Metric subsystem (`node_<subsystem>_<kstat>`) to kstat file.
    static let subsystems: [(subsystem: String, file: String)] = [
        ("zfs_abd", "abdstats"), ("zfs_arc", "arcstats"), ("zfs_dbuf", "dbufstats"), ("zfs_dmu_tx", "dmu_tx"),
        ("zfs_dnode", "dnodestats"), ("zfs_fm", "fm"), ("zfs_vdev_cache", "vdev_cache_stats"),
        ("zfs_vdev_mirror", "vdev_mirror_stats"), ("zfs_xuio", "xuio_stats"), ("zfs_zfetch", "zfetchstats"), ("zfs_zil", "zil"),
    ]
    static let poolStates = ["online", "degraded", "faulted", "offline", "removed", "unavail", "suspended"]
    static let poolState = MetricDescriptor(
        name: "node_zfs_zpool_state", help: "kstat.zfs.misc.state", type: .gauge, labels: ["zpool", "state"])

    private let paths: HostPaths
    private let logger: Logger

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        let base = paths.proc("spl/kstat/zfs")
        guard let pools = try? KernelFile.entries(of: base) else {
            logger.debug("ZFS / ZFS statistics are not available", metadata: ["path": "\(base)"])
            return
        }
        for (subsystem, file) in Self.subsystems {
            let path = base + "/" + file
            // Files appear with the ZFS features that fill them: a missing one is fine.
            guard let text = try? KernelFile.read(path) else { continue }
            let kstats = try parse(text, from: path) { (text) throws(KernelParseError) in try ZFSKstat.parseNamed(text, includeSigned: true) }
            for kstat in kstats.values {
                sink.add(Self.descriptor(subsystem, key: "kstat.zfs.misc.\(file).\(kstat.name)"), kstat.value)
            }
        }
        for pool in pools {
            let poolPath = base + "/" + pool
            guard exists(poolPath + "/io") else { continue }
            for kstat in try parse(try readPoolFile(poolPath + "/io"), from: poolPath + "/io", with: ZFSKstat.parsePoolIO) {
                sink.add(Self.descriptor("zfs_zpool", key: "kstat.zfs.misc.io.\(kstat.name)", labels: ["zpool"]), kstat.value, pool)
            }
        }
        for pool in pools {
            let poolPath = base + "/" + pool
            for objset in ((try? KernelFile.entries(of: poolPath)) ?? []) where objset.hasPrefix("objset-") {
                let path = poolPath + "/" + objset
                let kstats = try parse(try readPoolFile(path), from: path) { (text) throws(KernelParseError) in
                    try ZFSKstat.parseNamed(text, includeSigned: false)
                }
                let dataset = kstats.datasetName ?? ""
                for kstat in kstats.values {
                    let descriptor = Self.descriptor("zfs_zpool_dataset", key: "kstat.zfs.misc.objset.\(kstat.name)", labels: ["zpool", "dataset"])
                    sink.add(descriptor, kstat.value, pool, dataset)
                }
            }
        }
        for pool in pools where exists(base + "/" + pool + "/state") {
            let text = try readPoolFile(base + "/" + pool + "/state")
            let state = String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "").lowercased()
            for name in Self.poolStates { sink.add(Self.poolState, state == name ? 1 : 0, pool, name) }
        }
    }

    /// node_exporter names each metric after the kstat: its last dotted part, `-` made `_`.
    private static func descriptor(_ subsystem: String, key: String, labels: [String] = []) -> MetricDescriptor {
        let name = String(key.split(separator: ".", omittingEmptySubsequences: false).last ?? "").replacingDashes()
        return MetricDescriptor(name: "node_\(subsystem)_\(name)", help: key, type: .untyped, labels: labels)
    }

    /// A file a glob just listed; failing to open it (a pool being exported) fails the scrape,
    /// as in node_exporter.
    private func readPoolFile(_ path: String) throws -> String {
        do {
            return try KernelFile.read(path)
        } catch {
            logger.debug("Cannot open file for reading", metadata: ["path": "\(path)"])
            throw CollectorError("ZFS / ZFS statistics are not available")
        }
    }

    private func parse<Value>(_ text: String, from path: String, with parser: (String) throws(KernelParseError) -> Value) throws -> Value {
        do {
            return try KernelFile.parse(text, from: path, with: parser)
        } catch {
            throw CollectorError("\(error)")
        }
    }

    private func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }
}

extension String {
    fileprivate func replacingDashes() -> String {
        String(map { $0 == "-" ? "_" : $0 })
    }
}
