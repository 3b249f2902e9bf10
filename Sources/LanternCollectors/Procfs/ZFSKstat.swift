/// ZFS kstat files of /proc/spl/kstat/zfs, read as node_exporter's zfs collector does.
public enum ZFSKstat {
    /// A named-kstat file (`arcstats`, `objset-*`...): after the `name type data` header,
    /// `<name> <type> <value>` lines. Only 64-bit integer kstats are kept (type 4 unsigned,
    /// and type 3 signed when `includeSigned`), in file order; `dataset_name` (a string) is
    /// returned apart.
    public struct Named: Sendable, Equatable {
        public var values: [Value] = []
        public var datasetName: String?
    }

    public struct Value: Sendable, Equatable {
        public var name: String
        public var value: Double
    }

    static let unsignedType = "4"
    static let signedType = "3"

    public static func parseNamed(_ text: String, includeSigned: Bool) throws(KernelParseError) -> Named {
        var result = Named()
        var inData = false
        for line in lines(text) {
            let parts = fields(line)
            if !inData {
                inData = parts.count == 3 && parts[0] == "name" && parts[1] == "type" && parts[2] == "data"
                continue
            }
            guard parts.count >= 3 else { continue }
            if parts[0] == "dataset_name" {
                result.datasetName = String(rest(of: line, after: 2))
                continue
            }
            let value: Double?
            switch parts[1] {
            case unsignedType: value = UInt64(parts[2]).map { Double($0) }
            case signedType where includeSigned: value = Int64(parts[2]).map { Double($0) }
            default: continue
            }
            guard let value else {
                throw KernelParseError("could not parse expected integer value for \"\(parts[0])\": \"\(parts[2])\"")
            }
            result.values.append(Value(name: String(parts[0]), value: value))
        }
        guard inData else { throw KernelParseError("no \"name type data\" header: not a single metric") }
        return result
    }

    /// The text from the field after the first `count` fields to the end of the line, with
    /// its inner spacing kept (dataset names may hold runs of spaces).
    static func rest(of line: Substring, after count: Int) -> Substring {
        var remainder = line.drop { isASCIISpace($0) }
        for _ in 0..<count {
            remainder = remainder.drop { !isASCIISpace($0) }.drop { isASCIISpace($0) }
        }
        return trimmed(remainder)
    }

    /// A pool `io` file: a header line starting with `nread` (12 or more names), then lines of
    /// as many numbers.
    public static func parsePoolIO(_ text: String) throws(KernelParseError) -> [Value] {
        var names: [Substring]?
        var values: [Value] = []
        for line in lines(text) {
            let parts = fields(line)
            if parts.isEmpty { continue }
            guard let header = names else {
                if parts.count >= 12 && parts[0] == "nread" { names = parts }
                continue
            }
            // node_exporter reads the same position of each data line as the header names.
            guard parts.count >= header.count else {
                throw KernelParseError("pool io line has \(parts.count) values for \(header.count) names")
            }
            for (name, text) in zip(header, parts) {
                guard let value = UInt64(text) else { throw KernelParseError("could not parse expected integer value for \"\(name)\": \"\(text)\"") }
                values.append(Value(name: String(name), value: Double(value)))
            }
        }
        return values
    }
}
