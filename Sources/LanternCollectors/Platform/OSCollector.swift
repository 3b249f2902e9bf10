import Glibc
import LanternMetrics
import LanternSupport
import Logging
import Synchronization

/// node_exporter's `os` collector: os-release identification of the host (or of
/// `--path.rootfs`).
public struct OSCollector: Collector {
    static let infoLabels = ["build_id", "id", "id_like", "image_id", "image_version", "name", "pretty_name", "variant",
                             "variant_id", "version", "version_codename", "version_id"]
    static let info = MetricDescriptor(
        name: "node_os_info",
        help: "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.",
        type: .gauge, labels: infoLabels)
    static let version = MetricDescriptor(
        name: "node_os_version", help: "Metric containing the major.minor part of the OS version.", type: .gauge,
        labels: ["id", "id_like", "name"])
    static let supportEnd = MetricDescriptor(
        name: "node_os_support_end_timestamp_seconds", help: "Metric containing the end-of-life date timestamp of the OS.",
        type: .gauge)
    /// Tried in order; the first that exists is used.
    static let files = ["etc/os-release", "usr/lib/os-release"]

    private let paths: HostPaths
    private let logger: Logger
    /// The last file parsed, its modification time and its keys. As node_exporter does,
    /// each scrape opens the file and checks its time (`fstat`) but reads and parses it
    /// again only when the file or the time has changed.
    private let lastRead = LastRelease()

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        guard let release = try readRelease() else {
            logger.debug("no os-release file found", metadata: ["files": "\(Self.files.joined(separator: ","))"])
            return
        }
        let value = { (key: String) in release[key] ?? "" }
        sink.add(Self.info, 1, labelValues: Self.infoLabels.map { value($0.uppercased()) })
        let majorMinor = OSRelease.majorMinor(value("VERSION_ID"))
        if majorMinor > 0 {
            sink.add(Self.version, majorMinor, value("ID"), value("ID_LIKE"), value("NAME"))
        }
        if let end = release["SUPPORT_END"], !end.isEmpty {
            guard let seconds = OSRelease.unixTime(ofDate: end) else {
                throw CollectorError("parsing time \"\(end)\" as \"2006-01-02\": cannot parse")
            }
            sink.add(Self.supportEnd, Double(seconds))
        }
    }

    private func readRelease() throws -> [String: String]? {
        for file in Self.files {
            let path = paths.root(file)
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                if errno == ENOENT { continue }
                throw KernelFile.systemCallError(path, "open")
            }
            defer { close(descriptor) }
            var status = stat()
            guard fstat(descriptor, &status) == 0 else { throw KernelFile.systemCallError(path, "fstat") }
            let seconds = status.st_mtim.tv_sec, nanoseconds = status.st_mtim.tv_nsec
            if let known = lastRead.entry.withLock({ $0 }), known.path == path, known.seconds == seconds, known.nanoseconds == nanoseconds {
                return known.release
            }
            guard let text = KernelFile.readToEnd(descriptor) else { throw KernelFile.systemCallError(path, "read") }
            let release = try KernelFile.parse(String(trimmed(text[...])), from: path, with: OSRelease.parse)
            lastRead.entry.withLock { $0 = (path, seconds, nanoseconds, release) }
            return release
        }
        return nil
    }
}

/// The os-release file an `OSCollector` parsed last, with its modification time.
private final class LastRelease: Sendable {
    let entry = Mutex<(path: String, seconds: Int, nanoseconds: Int, release: [String: String])?>(nil)
}
