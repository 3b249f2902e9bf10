/// The protocol counters of /proc/net/netstat, /proc/net/snmp and /proc/net/snmp6, as
/// node_exporter's netstat collector reads them: by protocol, then by field, with the
/// value still as text (node_exporter parses it only when it exposes it).
public enum NetStatistics {
    /// One protocol's fields and their values, in file order. Kept as slices of the file:
    /// the collector looks the field names up once per kernel, not once per scrape.
    public struct Section: Sendable {
        public var protocolName: Substring
        public var fields: [Substring]
        public var values: [Substring]
    }

    /// /proc/net/netstat and /proc/net/snmp: pairs of lines, a header (`Tcp: RtoMin ...`)
    /// then the values (`Tcp: 200 ...`). A protocol seen twice keeps its last pair.
    public static func parsePairs(_ text: String) throws(KernelParseError) -> [Section] {
        var sections: [Section] = []
        let nonEmpty = lines(text).filter { !trimmed($0).isEmpty }
        var index = 0
        while index < nonEmpty.count {
            let names = fields(nonEmpty[index])
            guard index + 1 < nonEmpty.count else {
                throw KernelParseError("header line \"\(nonEmpty[index])\" has no line of values")
            }
            let values = fields(nonEmpty[index + 1])
            index += 2
            guard let label = names.first, label.hasSuffix(":") else {
                throw KernelParseError("header line \"\(names.joined(separator: " "))\" does not start with \"<protocol>:\"")
            }
            let protocolName = label.dropLast()
            guard names.count == values.count, values.first == label else {
                throw KernelParseError("field count mismatch for \(protocolName): \(names.count) names, \(values.count) values")
            }
            replace(Section(protocolName: protocolName, fields: Array(names.dropFirst()), values: Array(values.dropFirst())), in: &sections)
        }
        return sections
    }

    /// /proc/net/snmp6: one `Ip6InReceives 123` per line; the protocol is the name up to
    /// and including its first `6`. Lines without a `6` or without a value are skipped.
    /// A repeated field is listed again (the collector exposes its last value).
    public static func parseSNMP6(_ text: String) -> [Section] {
        var sections: [Section] = []
        for line in lines(text) {
            let parts = fields(line)
            guard parts.count >= 2, let six = parts[0].utf8.firstIndex(of: UInt8(ascii: "6")) else { continue }
            let split = parts[0].utf8.index(after: six)
            let protocolName = parts[0][..<split], field = parts[0][split...]
            // Lines of one protocol are adjacent: look at the last section first.
            guard let index = sections.lastIndex(where: { $0.protocolName == protocolName }) else {
                sections.append(Section(protocolName: protocolName, fields: [field], values: [parts[1]]))
                continue
            }
            sections[index].fields.append(field)
            sections[index].values.append(parts[1])
        }
        return sections
    }

    /// `sections` followed by `later`'s; a protocol in both keeps only its section from `later`.
    public static func merging(_ sections: [Section], _ later: [Section]) -> [Section] {
        var merged = sections
        for section in later { replace(section, in: &merged) }
        return merged
    }

    private static func replace(_ section: Section, in sections: inout [Section]) {
        if let index = sections.firstIndex(where: { $0.protocolName == section.protocolName }) {
            sections[index] = section
        } else {
            sections.append(section)
        }
    }
}

extension Array where Element == NetStatistics.Section {
    /// The text of `protocolName`'s `field` (its last, when repeated), if the files had it.
    public func value(_ protocolName: String, _ field: String) -> Substring? {
        guard let section = first(where: { $0.protocolName == protocolName }),
              let index = section.fields.lastIndex(where: { $0 == field }) else { return nil }
        return section.values[index]
    }
}
