import LanternMetrics
import LanternSupport
import Logging

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
            guard let text = try KernelFile.optionalAttribute(path) else { continue }
            return try KernelFile.parse(text, from: path, with: OSRelease.parse)
        }
        return nil
    }
}
