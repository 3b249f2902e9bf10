import Glibc
import LanternMetrics

/// node_exporter's `uname` collector: node_uname_info from uname(2). The kernel
/// reports an unset NIS domain as `(none)`, and that is what is exposed.
public struct UnameCollector: Collector {
    static let info = MetricDescriptor(
        name: "node_uname_info", help: "Labeled system information as provided by the uname system call.", type: .gauge,
        labels: ["sysname", "release", "version", "machine", "nodename", "domainname"])

    public init() {}

    public func collect(into sink: MetricSink) throws {
        var system = utsname()
        guard uname(&system) == 0 else {
            throw CollectorError("uname: \(String(cString: strerror(errno)))")
        }
        sink.add(Self.info, 1,
                 Self.string(system.sysname), Self.string(system.release), Self.string(system.version),
                 Self.string(system.machine), Self.string(system.nodename), Self.string(system.__domainname))
    }

    /// (glibc names the domain field `__domainname` outside _GNU_SOURCE.)
    /// A NUL-terminated utsname field (a fixed-size C array imported as a tuple).
    private static func string<Field>(_ field: Field) -> String {
        withUnsafeBytes(of: field) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
