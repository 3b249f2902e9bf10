/// Totals of the tx_queue and rx_queue columns of /proc/net/udp or udp6: bytes the
/// kernel holds for UDP sockets.
public struct UDPQueueTotals: Sendable, Hashable {
    public var transmit: UInt64 = 0
    public var receive: UInt64 = 0

    public init() {}

    public static func parse(_ text: String) throws(KernelParseError) -> UDPQueueTotals {
        var totals = UDPQueueTotals()
        // The first line names the columns.
        for line in lines(text).dropFirst() {
            let parts = fields(line)
            if parts.isEmpty { continue }
            guard parts.count > 4 else {
                throw KernelParseError("udp line \"\(trimmed(line))\" has \(parts.count) fields, expected at least 5")
            }
            let queues = parts[4].split(separator: ":", omittingEmptySubsequences: false)
            guard queues.count == 2, let transmit = UInt64(queues[0], radix: 16), let receive = UInt64(queues[1], radix: 16) else {
                throw KernelParseError("invalid tx_queue:rx_queue \"\(parts[4])\": expected two hexadecimal numbers")
            }
            totals.transmit &+= transmit
            totals.receive &+= receive
        }
        return totals
    }
}
