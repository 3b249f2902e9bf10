import Glibc
import Synchronization

/// The fixed part of a kernel file whose lines keep their names from one read to the
/// next while their numbers change (/proc/vmstat, /proc/meminfo, /proc/net/snmp6,
/// /proc/net/netstat and snmp): every whitespace-separated field of every non-blank
/// line, except the fields that hold the numbers. A collector remembers the layout of
/// the last read and, while a new read has the same layout, takes the numbers straight
/// from the bytes: no line or field `Substring`s (~500 instructions each), no
/// `Double(Substring)` per value, no name comparisons per field. A read that differs in
/// any way gets nil and goes through the file's general parser, which also gives the
/// errors; its layout is then remembered for the next read.
struct LineLayout: Sendable {
    /// Which fields of a line hold numbers.
    enum NumberFields: Sendable {
        /// The second field (`name value [unit]`: vmstat, meminfo, snmp6).
        case second
        /// Every field after the first on every second line (netstat and snmp: a header
        /// line of names, then `Proto: v1 v2 ...`).
        case everySecondLine
    }

    let numberFields: NumberFields
    /// The fixed fields, each followed by a 0x00 byte, a 0x01 byte for each number field
    /// and a 0x0A byte after each line.
    private let fixed: [UInt8]
    /// How many numbers a matching read gives.
    let numberCount: Int

    /// The layout of `text`.
    init(of text: String, numberFields: NumberFields) {
        self.numberFields = numberFields
        var fixed: [UInt8] = []
        var numberCount = 0
        Self.scan(text, numberFields) { field, isNumber in
            guard let field else {
                fixed.append(0x0A)
                return true
            }
            if isNumber {
                numberCount += 1
                fixed.append(0x01)
            } else {
                fixed.append(contentsOf: field)
                fixed.append(0x00)
            }
            return true
        }
        self.fixed = fixed
        self.numberCount = numberCount
    }

    /// The numbers of `text` in file order when its fixed fields are exactly this
    /// layout's and every number field is a plain decimal integer (an optional `-`,
    /// at most 18 digits); nil otherwise.
    func numbers(in text: String) -> [Double]? {
        var numbers: [Double] = []
        numbers.reserveCapacity(numberCount)
        var position = 0
        let matched = fixed.withUnsafeBufferPointer { expected -> Bool in
            Self.scan(text, numberFields) { field, isNumber in
                guard let field else {
                    guard position < expected.count, expected[position] == 0x0A else { return false }
                    position += 1
                    return true
                }
                if isNumber {
                    guard position < expected.count, expected[position] == 0x01, let number = Self.integer(field) else { return false }
                    position += 1
                    numbers.append(number)
                    return true
                }
                let end = position + field.count
                guard end < expected.count, expected[end] == 0x00,
                      memcmp(field.baseAddress!, expected.baseAddress! + position, field.count) == 0 else { return false }
                position = end + 1
                return true
            }
        }
        guard matched, position == fixed.count, numbers.count == numberCount else { return nil }
        return numbers
    }

    /// Calls `visit` with each field of each non-blank line (and whether it is a number
    /// field), then with nil at the end of the line; stops when `visit` returns false.
    /// Returns whether it went through the whole text.
    @discardableResult
    private static func scan(
        _ text: String, _ numberFields: NumberFields, _ visit: (UnsafeBufferPointer<UInt8>?, Bool) -> Bool
    ) -> Bool {
        let scanned = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            var index = 0
            var lineNumber = 0
            while index < bytes.count {
                var fieldNumber = 0
                while index < bytes.count && bytes[index] != 0x0A {
                    guard !isASCIISpace(bytes[index]) else {
                        index += 1
                        continue
                    }
                    let start = index
                    while index < bytes.count && !isASCIISpace(bytes[index]) { index += 1 }
                    let isNumber: Bool
                    switch numberFields {
                    case .second: isNumber = fieldNumber == 1
                    case .everySecondLine: isNumber = lineNumber % 2 == 1 && fieldNumber > 0
                    }
                    guard visit(UnsafeBufferPointer(rebasing: bytes[start..<index]), isNumber) else { return false }
                    fieldNumber += 1
                }
                index += 1
                if fieldNumber > 0 {
                    guard visit(nil, false) else { return false }
                    lineNumber += 1
                }
            }
            return true
        }
        // Text read from a file is native and contiguous; any other is copied once.
        return scanned ?? scan(String(decoding: Array(text.utf8), as: UTF8.self), numberFields, visit)
    }

    /// A decimal integer of at most 18 digits (exact in a Double up to 2^53, rounded as
    /// `Double(String)` rounds beyond), with an optional leading `-`.
    private static func integer(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
        var index = 0
        let negative = field.first == UInt8(ascii: "-")
        if negative { index = 1 }
        let digits = field.count - index
        guard digits > 0 && digits <= 18 else { return nil }
        var value: UInt64 = 0
        while index < field.count {
            let digit = field[index] &- 0x30
            guard digit < 10 else { return nil }
            value = value &* 10 &+ UInt64(digit)
            index += 1
        }
        return negative ? -Double(value) : Double(value)
    }
}

/// The layouts of the files a collector read last time, with what it derived from them
/// (such as the descriptor of each number). Collectors run concurrently with
/// themselves only when a scrape overlaps a timed-out one, so one entry is enough.
final class LayoutCache<Derived: Sendable>: Sendable {
    private let last = Mutex<(layouts: [LineLayout], derived: Derived)?>(nil)

    /// The numbers of `texts`, in order, with what was derived from the same layouts;
    /// nil when some text's layout differs from last time's.
    func numbers(in texts: [String]) -> (numbers: [Double], derived: Derived)? {
        guard let known = last.withLock({ $0 }), known.layouts.count == texts.count else { return nil }
        var numbers: [Double] = []
        for (layout, text) in zip(known.layouts, texts) {
            guard let more = layout.numbers(in: text) else { return nil }
            if numbers.isEmpty { numbers = more } else { numbers.append(contentsOf: more) }
        }
        return (numbers, known.derived)
    }

    func remember(_ layouts: [LineLayout], _ derived: Derived) {
        last.withLock { $0 = (layouts, derived) }
    }
}
