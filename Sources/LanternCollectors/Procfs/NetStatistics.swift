/// The protocol counters of /proc/net/netstat, /proc/net/snmp and /proc/net/snmp6, as
/// node_exporter's netstat collector reads them: by protocol, then by field, with the
/// value still as text (node_exporter parses it only when it exposes it).
public enum NetStatistics {
    public typealias Counters = [String: [String: String]]

    /// /proc/net/netstat and /proc/net/snmp: pairs of lines, a header (`Tcp: RtoMin ...`)
    /// then the values (`Tcp: 200 ...`). A protocol seen twice keeps its last pair.
    public static func parsePairs(_ text: String) throws(KernelParseError) -> Counters {
        var counters: Counters = [:]
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
            let protocolName = String(label.dropLast())
            guard names.count == values.count, values.first == label else {
                throw KernelParseError("field count mismatch for \(protocolName): \(names.count) names, \(values.count) values")
            }
            var protocolCounters: [String: String] = [:]
            for (name, value) in zip(names.dropFirst(), values.dropFirst()) {
                protocolCounters[String(name)] = String(value)
            }
            counters[protocolName] = protocolCounters
        }
        return counters
    }

    /// /proc/net/snmp6: one `Ip6InReceives 123` per line; the protocol is the name up to
    /// and including its first `6`. Lines without a `6` or without a value are skipped.
    public static func parseSNMP6(_ text: String) -> Counters {
        var counters: Counters = [:]
        for line in lines(text) {
            let parts = fields(line)
            guard parts.count >= 2, let six = parts[0].firstIndex(of: "6") else { continue }
            let split = parts[0].index(after: six)
            counters[String(parts[0][..<split]), default: [:]][String(parts[0][split...])] = String(parts[1])
        }
        return counters
    }
}
