import LanternMetrics
import LanternSupport

/// node_exporter's `filefd` collector: allocated and maximum file handles from
/// /proc/sys/fs/file-nr.
public struct FilefdCollector: Collector {
    static let allocated = MetricDescriptor(name: "node_filefd_allocated", help: "File descriptor statistics: allocated.", type: .gauge)
    static let maximum = MetricDescriptor(name: "node_filefd_maximum", help: "File descriptor statistics: maximum.", type: .gauge)

    private let paths: HostPaths

    public init(paths: HostPaths) { self.paths = paths }

    public func collect(into sink: MetricSink) throws {
        let fileNr = try KernelFile.parse(paths.proc("sys/fs/file-nr"), with: FileNr.parse)
        sink.add(Self.allocated, fileNr.allocated)
        sink.add(Self.maximum, fileNr.maximum)
    }
}
