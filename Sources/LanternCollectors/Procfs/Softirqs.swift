/// /proc/softirqs: per-CPU counts of each softirq vector the kernel lists.
public enum Softirqs {
    /// The vectors node_exporter exposes, in the kernel's order; other lines are ignored.
    public static let vectors = ["HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"]

    /// Per-CPU counts by vector name.
    public static func parse(_ text: String) throws(KernelParseError) -> [(vector: String, perCPU: [UInt64])] {
        var result: [(vector: String, perCPU: [UInt64])] = []
        // The first line names the CPU columns.
        for line in lines(text).dropFirst() {
            let parts = fields(line)
            guard let label = parts.first, label.hasSuffix(":") else { continue }
            let vector = String(label.dropLast())
            guard vectors.contains(vector) else { continue }
            var counts: [UInt64] = []
            for (cpu, text) in parts.dropFirst().enumerated() {
                counts.append(try parseUInt(text, field: "\(vector) count of cpu \(cpu)"))
            }
            result.append((vector, counts))
        }
        return result
    }
}
