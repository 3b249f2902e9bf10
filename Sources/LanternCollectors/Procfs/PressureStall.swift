/// The totals of one /proc/pressure/<resource> file, in microseconds; nil for a line the
/// file does not have (cpu has no `full` on old kernels, irq has no `some`).
public struct PressureStall: Sendable, Hashable {
    public var someTotal: UInt64?
    public var fullTotal: UInt64?

    public init(someTotal: UInt64? = nil, fullTotal: UInt64? = nil) {
        self.someTotal = someTotal
        self.fullTotal = fullTotal
    }

    /// Lines `some avg10=0.00 avg60=0.00 avg300=0.00 total=123`.
    public static func parse(_ text: String) throws(KernelParseError) -> PressureStall {
        var stall = PressureStall()
        for line in lines(text) {
            let parts = fields(line)
            guard let kind = parts.first, kind == "some" || kind == "full" else { continue }
            let keys = ["avg10=", "avg60=", "avg300=", "total="]
            guard parts.count == 5, zip(keys, parts.dropFirst()).allSatisfy({ $1.hasPrefix($0) }),
                  parts[1...3].allSatisfy({ Double($0.drop { $0 != "=" }.dropFirst()) != nil }),
                  let total = UInt64(parts[4].dropFirst("total=".count)) else {
                throw KernelParseError("psi: unexpected line \"\(trimmed(line))\": expected \"\(kind) avg10=N avg60=N avg300=N total=N\"")
            }
            if kind == "some" { stall.someTotal = total } else { stall.fullTotal = total }
        }
        return stall
    }
}
