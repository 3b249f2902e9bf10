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
            let values = parts.count == 5 ? zip(keys, parts.dropFirst()).compactMap { value(of: $1, after: $0) } : []
            guard values.count == keys.count, values.dropLast().allSatisfy({ Double($0) != nil }),
                  let total = UInt64(values[3]) else {
                throw KernelParseError("psi: unexpected line \"\(trimmed(line))\": expected \"\(kind) avg10=N avg60=N avg300=N total=N\"")
            }
            if kind == "some" { stall.someTotal = total } else { stall.fullTotal = total }
        }
        return stall
    }

    private static let keys = ["avg10=", "avg60=", "avg300=", "total="]

    /// What follows `key` in `field`, when `field` starts with it (compared as bytes:
    /// `hasPrefix` compares characters: half of this parser's cost was there).
    private static func value(of field: Substring, after key: String) -> Substring? {
        guard field.utf8.starts(with: key.utf8) else { return nil }
        return field[field.utf8.index(field.startIndex, offsetBy: key.utf8.count)...]
    }
}
