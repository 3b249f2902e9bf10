/// Prometheus durations (`1h30m`, `5m`, `100ms`; y = 365d, w = 7d) in milliseconds.
enum Duration {
    static func milliseconds(_ text: String) -> Int64? {
        var total: Int64 = 0
        var number: Int64 = 0
        var sawDigit = false
        var index = text.utf8.startIndex
        let bytes = text.utf8
        guard !bytes.isEmpty else { return nil }
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte.isDigit {
                let (tens, overflowTens) = number.multipliedReportingOverflow(by: 10)
                let (next, overflowNext) = tens.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
                guard !overflowTens, !overflowNext else { return nil }
                number = next
                sawDigit = true
                index = bytes.index(after: index)
                continue
            }
            guard sawDigit else { return nil }
            let next = bytes.index(after: index)
            let unit: Int64
            switch byte {
            case UInt8(ascii: "m") where next < bytes.endIndex && bytes[next] == UInt8(ascii: "s"):
                unit = 1
                index = bytes.index(after: next)
            case UInt8(ascii: "s"): unit = 1000; index = next
            case UInt8(ascii: "m"): unit = 60_000; index = next
            case UInt8(ascii: "h"): unit = 3_600_000; index = next
            case UInt8(ascii: "d"): unit = 86_400_000; index = next
            case UInt8(ascii: "w"): unit = 604_800_000; index = next
            case UInt8(ascii: "y"): unit = 31_536_000_000; index = next
            default: return nil
            }
            let (scaled, overflowScaling) = number.multipliedReportingOverflow(by: unit)
            let (sum, overflowSum) = total.addingReportingOverflow(scaled)
            guard !overflowScaling, !overflowSum else { return nil }
            total = sum
            number = 0
            sawDigit = false
        }
        // A bare number is not a duration; "0" alone is accepted as zero.
        if sawDigit { return total == 0 && number == 0 ? 0 : nil }
        return total
    }
}
