import LanternMetrics
import LanternPromQL
import LanternSupport

/// The head's label sets in compact form: every distinct name and value is kept once (a
/// symbol, numbered), and a series' label set is its pair count and symbol numbers as
/// varints, back to back with the others' in one byte array.
///
/// A `Labels` costs a heap array per series (32 bytes of header, 32 per pair) plus a heap
/// object for each name or value over 15 bytes: ~300 bytes for a series of six pairs. Here
/// the same set is ~13 bytes, and `instance`, `job` and metric names, which repeat across
/// thousands of series, are stored once. Label sets are built again (`labels(at:)`) only
/// for what a query or a block write reads.
///
/// Symbols are told apart by their bytes, as Prometheus compares label strings: Swift's
/// `String ==` would merge canonically equivalent spellings into one symbol.
struct LabelSetStore: Sendable {
    private var symbols: [String] = []
    private var numberBySymbol: [UTF8Key: UInt32] = [:]
    private var encoded: [UInt8] = []
    /// Bytes of `encoded` whose series were removed; reclaimed by `compacted`.
    private(set) var releasedBytes = 0

    /// Stores `labels`, returning the offset that names them from now on.
    mutating func store(_ labels: Labels) -> UInt32 {
        let offset = UInt32(encoded.count)
        appendUvarint(UInt64(labels.pairs.count), to: &encoded)
        for label in labels.pairs {
            appendUvarint(UInt64(number(of: label.name)), to: &encoded)
            appendUvarint(UInt64(number(of: label.value)), to: &encoded)
        }
        return offset
    }

    /// The label set stored at `offset`.
    func labels(at offset: UInt32) -> Labels {
        var pairs: [Label] = []
        // Sized once: a block write builds every series' set, and growing by doubling
        // left a quarter of each array unused after three allocations.
        var position = Int(offset)
        pairs.reserveCapacity(Int(readUvarint(&position)))
        forEachPair(at: offset) { name, value in
            pairs.append(Label(name, value))
            return true
        }
        // Stored sorted with unique names (they came from a `Labels`): taken as they are.
        return Labels(pairs)
    }

    /// Whether the set at `offset` is `labels`, byte for byte.
    func matches(at offset: UInt32, _ labels: Labels) -> Bool {
        var position = Int(offset)
        guard Int(readUvarint(&position)) == labels.pairs.count else { return false }
        var index = 0
        return forEachPair(at: offset) { name, value in
            defer { index += 1 }
            return name.utf8Equals(labels.pairs[index].name) && value.utf8Equals(labels.pairs[index].value)
        }
    }

    /// The value of label `name` in the set at `offset`.
    func value(at offset: UInt32, of name: String) -> String? {
        var found: String?
        forEachPair(at: offset) { pairName, value in
            if pairName.utf8Equals(name) { found = value }
            return found == nil
        }
        return found
    }

    /// Notes that the set at `offset` is no longer used.
    mutating func release(at offset: UInt32) {
        var position = Int(offset)
        let count = readUvarint(&position)
        for _ in 0..<count * 2 { _ = readUvarint(&position) }
        releasedBytes += position - Int(offset)
    }

    /// Whether more than half of the bytes belong to removed series.
    var wantsCompaction: Bool { releasedBytes > 4096 && releasedBytes * 2 > encoded.count }

    /// A store holding only the sets at `offsets` (symbols of removed series dropped too),
    /// and each set's new offset, in the order given.
    func compacted(keeping offsets: [UInt32]) -> (store: LabelSetStore, offsets: [UInt32]) {
        var store = LabelSetStore()
        store.encoded.reserveCapacity(encoded.count - releasedBytes)
        let moved = offsets.map { store.store(labels(at: $0)) }
        return (store, moved)
    }

    /// The block index's symbol table for the sets at `offsets`: their names and values
    /// sorted by bytes, "" first, and each symbol number's position in it (`unused` for
    /// symbols of other sets).
    func indexSymbols(of offsets: some Sequence<UInt32>) -> (symbols: [String], positions: [UInt32]) {
        var used = [Bool](repeating: false, count: symbols.count)
        for offset in offsets {
            forEachNumberPair(at: offset) { name, value in
                used[Int(name)] = true
                used[Int(value)] = true
            }
        }
        var numbers = used.indices.filter { used[$0] }
        numbers.sort { symbols[$0].utf8Precedes(symbols[$1]) }
        var table: [String] = [""]
        table.reserveCapacity(numbers.count + 1)
        var positions = [UInt32](repeating: Self.unused, count: symbols.count)
        for number in numbers {
            // A stored label never has an empty name or value; kept distinct from "" anyway.
            if !symbols[number].isEmpty { table.append(symbols[number]) }
            positions[number] = UInt32(table.count - 1)
        }
        return (table, positions)
    }

    static let unused = UInt32.max

    /// The set at `offset` as symbol positions (from `indexSymbols`), into `pairs`.
    func symbolPairs(at offset: UInt32, positions: [UInt32], into pairs: inout [SymbolPair]) {
        pairs.removeAll(keepingCapacity: true)
        forEachNumberPair(at: offset) { name, value in pairs.append((positions[Int(name)], positions[Int(value)])) }
    }

    /// Whether the set at `lhs` sorts before the one at `rhs`, as Prometheus'
    /// `labels.Compare` orders series (pair by pair, name then value, by bytes; shorter
    /// first), read through symbol positions sorted by bytes.
    func precedes(_ lhs: UInt32, _ rhs: UInt32, positions: [UInt32]) -> Bool {
        var left = Int(lhs), right = Int(rhs)
        let leftCount = readUvarint(&left), rightCount = readUvarint(&right)
        for _ in 0..<min(leftCount, rightCount) * 2 {
            let leftSymbol = positions[Int(readUvarint(&left))], rightSymbol = positions[Int(readUvarint(&right))]
            if leftSymbol != rightSymbol { return leftSymbol < rightSymbol }
        }
        return leftCount < rightCount
    }

    private func forEachNumberPair(at offset: UInt32, _ body: (UInt32, UInt32) -> Void) {
        var position = Int(offset)
        let count = readUvarint(&position)
        for _ in 0..<count {
            let name = UInt32(readUvarint(&position))
            body(name, UInt32(readUvarint(&position)))
        }
    }

    private mutating func number(of string: String) -> UInt32 {
        if let number = numberBySymbol[UTF8Key(string)] { return number }
        let number = UInt32(symbols.count)
        symbols.append(string)
        numberBySymbol[UTF8Key(string)] = number
        return number
    }

    /// Calls `body` with each name and value of the set at `offset` until it returns false;
    /// returns whether it never did.
    @discardableResult
    private func forEachPair(at offset: UInt32, _ body: (String, String) -> Bool) -> Bool {
        var position = Int(offset)
        let count = readUvarint(&position)
        for _ in 0..<count {
            let name = symbols[Int(readUvarint(&position))]
            let value = symbols[Int(readUvarint(&position))]
            if !body(name, value) { return false }
        }
        return true
    }

    private func readUvarint(_ position: inout Int) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = encoded[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }
}
