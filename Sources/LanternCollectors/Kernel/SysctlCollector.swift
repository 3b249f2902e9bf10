import LanternFlags
import LanternMetrics
import LanternSupport

/// node_exporter's `sysctl` collector: the sysctls `--collector.sysctl.include` names
/// as untyped numbers, and those `--collector.sysctl.include-info` names as
/// `node_sysctl_info` labels.
public struct SysctlCollector: Collector {
    /// One `--collector.sysctl.include[-info]` value: `name` or `name:key1,key2,...`.
    public struct Selection: Sendable, Hashable {
        public var name: String
        /// Metric suffixes for the values, in order; empty exposes them by index.
        public var keys: [String]
        /// Numbers (include) or strings (include-info).
        public var isNumeric: Bool

        public init(_ flagValue: String, isNumeric: Bool) {
            let parts = flagValue.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            name = String(parts[0])
            keys = parts.count == 2 ? parts[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init) : []
            self.isNumeric = isNumeric
        }
    }

    public struct Options: Sendable {
        public var include: [String]
        public var includeInfo: [String]
        public init(include: [String] = [], includeInfo: [String] = []) {
            self.include = include
            self.includeInfo = includeInfo
        }
    }

    static let info = MetricDescriptor(name: "node_sysctl_info", help: "sysctl info", type: .gauge, labels: ["name", "value", "index"])

    private let paths: HostPaths
    private let selections: [Selection]

    public init(paths: HostPaths, options: Options) {
        self.paths = paths
        selections = options.include.map { Selection($0, isNumeric: true) } + options.includeInfo.map { Selection($0, isNumeric: false) }
    }

    public func collect(into sink: MetricSink) throws {
        for selection in selections {
            try collect(selection, into: sink)
        }
    }

    private func collect(_ selection: Selection, into sink: MetricSink) throws {
        let path = paths.proc(Sysctl.relativePath(of: selection.name))
        let metricName = "node_sysctl_" + sanitizedMetricName(selection.name)
        let help = "sysctl \(selection.name)"
        do {
            if selection.isNumeric {
                let values = try KernelFile.parse(path, with: Sysctl.parseIntegers)
                try checkCount(values.count, of: selection)
                if values.count == 1 {
                    sink.add(MetricDescriptor(name: metricName, help: help, type: .untyped), Double(values[0]))
                } else if selection.keys.isEmpty {
                    let indexed = MetricDescriptor(name: metricName, help: help, type: .untyped, labels: ["index"])
                    for (index, value) in values.enumerated() {
                        sink.add(indexed, Double(value), String(index))
                    }
                } else {
                    for (index, (key, value)) in zip(selection.keys, values).enumerated() {
                        sink.add(MetricDescriptor(name: metricName + "_" + key, help: "\(help), field \(index)", type: .untyped), Double(value))
                    }
                }
            } else {
                let values = try KernelFile.parse(path, with: Sysctl.parseStrings)
                try checkCount(values.count, of: selection)
                if values.count > 1 && !selection.keys.isEmpty {
                    throw CollectorError("mapped sysctl string values not supported")
                }
                for (index, value) in values.enumerated() {
                    sink.add(Self.info, 1, selection.name, value, String(index))
                }
            }
        } catch let error as KernelFileError {
            throw CollectorError("error obtaining sysctl info: \(error)")
        }
    }

    /// node_exporter's checks of the value count against the `name:keys` mapping.
    private func checkCount(_ count: Int, of selection: Selection) throws {
        switch count {
        case 0:
            throw CollectorError("sysctl \(selection.name) has no values")
        case 1 where !selection.keys.isEmpty:
            throw CollectorError("sysctl \(selection.name) has only one value, but expected \(goList(selection.keys))")
        case 1:
            return
        default:
            if !selection.keys.isEmpty && count != selection.keys.count {
                throw CollectorError("sysctl \(selection.name) has \(count) keys but only \(selection.keys.count) defined in f lag")
            }
        }
    }

    /// Go's `%v` of a string slice: `[a b c]`.
    private func goList(_ values: [String]) -> String { "[" + values.joined(separator: " ") + "]" }
}

enum SysctlFlags {
    static let include = Flag("collector.sysctl.include", help: "Select sysctl metrics to include", repeatable: true)
    static let includeInfo = Flag(
        "collector.sysctl.include-info", help: "Select sysctl metrics to include as info metrics", repeatable: true)
    static let all = [include, includeInfo]

    static func options(from flags: ParsedFlags) -> SysctlCollector.Options {
        SysctlCollector.Options(include: flags.strings(include.name), includeInfo: flags.strings(includeInfo.name))
    }
}
