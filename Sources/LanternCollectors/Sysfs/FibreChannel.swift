import LanternSupport

/// One host of /sys/class/fc_host, read as prometheus/procfs does: absent attributes read
/// as empty, absent counters as nil.
public struct FibreChannelHost: Sendable, Equatable {
    public var name: String
    /// Attribute name (`speed`, `port_state`...) to its trimmed value; the `0x` of
    /// `port_id`, `port_name` and `fabric_name` is removed.
    public var attributes: [String: String]
    /// `statistics/<counter>` to its value; a counter the HBA does not implement reads
    /// as all ones.
    public var counters: [String: UInt64]

    public static let attributeNames = [
        "speed", "port_state", "port_type", "symbolic_name", "node_name", "port_id", "port_name", "fabric_name", "dev_loss_tmo",
        "supported_classes", "supported_speeds",
    ]
    public static let counterNames = [
        "dumped_frames", "error_frames", "invalid_crc_count", "rx_frames", "rx_words", "tx_frames", "tx_words",
        "seconds_since_last_reset", "invalid_tx_word_count", "link_failure_count", "loss_of_sync_count", "loss_of_signal_count",
        "nos_count", "fcp_packet_aborts",
    ]
    static let hexAttributes: Set<String> = ["port_id", "port_name", "fabric_name"]

    public static func readAll(classDirectory: String) throws(KernelFileError) -> [FibreChannelHost] {
        var hosts: [FibreChannelHost] = []
        for name in try KernelFile.entries(of: classDirectory) {
            let path = classDirectory + "/" + name
            var host = FibreChannelHost(name: name, attributes: [:], counters: [:])
            for attribute in attributeNames {
                guard let value = try KernelFile.optionalAttribute(path + "/" + attribute) else { continue }
                host.attributes[attribute] = hexAttributes.contains(attribute) && value.hasPrefix("0x") ? String(value.dropFirst(2)) : value
            }
            for counter in counterNames {
                let file = path + "/statistics/" + counter
                guard let value = try KernelFile.optionalAttribute(file) else { continue }
                host.counters[counter] = try KernelFile.parse(value, from: file) { (text) throws(KernelParseError) in
                    try parseGoUInt64(text[...], field: counter)
                }
            }
            hosts.append(host)
        }
        return hosts
    }

    /// Go's `strconv.ParseUint(text, 0, 64)`: decimal, or `0x`/`0o`/`0b`/leading-zero prefixed.
    static func parseGoUInt64(_ text: Substring, field: String) throws(KernelParseError) -> UInt64 {
        var digits = text
        var radix = 10
        let lowered = digits.lowercased()
        if lowered.hasPrefix("0x") { radix = 16; digits = digits.dropFirst(2) }
        else if lowered.hasPrefix("0o") { radix = 8; digits = digits.dropFirst(2) }
        else if lowered.hasPrefix("0b") { radix = 2; digits = digits.dropFirst(2) }
        else if digits.count > 1 && digits.hasPrefix("0") { radix = 8; digits = digits.dropFirst() }
        guard let first = digits.first, first != "+", first != "-", let value = UInt64(digits, radix: radix) else {
            throw KernelParseError("invalid \(field) \"\(text)\": not an unsigned integer")
        }
        return value
    }
}
