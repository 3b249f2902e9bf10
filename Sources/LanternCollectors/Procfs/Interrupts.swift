/// One line of /proc/interrupts.
public struct InterruptLine: Sendable, Hashable {
    /// The name before the colon: an IRQ number (`0`) or a symbol (`LOC`, `NMI`).
    public var name: String
    /// One count per CPU column, as text (node_exporter parses them when exposing).
    public var perCPU: [String]
    /// For numbered IRQs the chip (`IR-IO-APIC-edge`); for symbols the description.
    public var info: String
    /// For numbered IRQs the devices after the chip; empty for symbols.
    public var devices: String
}

/// /proc/interrupts: a header of CPU columns, then one line per interrupt. Lines with
/// fewer columns than `CPUs + 1` (ERR, MIS) are skipped, as node_exporter does.
public enum Interrupts {
    public static func parse(_ text: String) throws(KernelParseError) -> [InterruptLine] {
        let allLines = lines(text)
        guard let header = allLines.first, !fields(header).isEmpty else { throw KernelParseError("interrupts empty") }
        let cpuCount = fields(header).count
        var result: [InterruptLine] = []
        for line in allLines.dropFirst() {
            // Split on the first colon: on aarch64 the name and the values may touch.
            guard let colon = line.firstIndex(of: ":") else { continue }
            let parts = fields(line[line.index(after: colon)...])
            guard parts.count >= cpuCount + 1 else { continue }
            let name = String(line[..<colon].drop { $0 == " " })
            var entry = InterruptLine(name: name, perCPU: parts[0..<cpuCount].map(String.init), info: "", devices: "")
            if Int(name) != nil {
                entry.info = String(parts[cpuCount])
                entry.devices = parts[(cpuCount + 1)...].joined(separator: " ")
            } else {
                entry.info = parts[cpuCount...].joined(separator: " ")
            }
            result.append(entry)
        }
        return result
    }
}
