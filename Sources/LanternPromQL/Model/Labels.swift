import LanternMetrics
import LanternSupport

/// A series' identity: label pairs kept sorted by name, names unique.
/// Sorted storage makes equality, hashing and Prometheus's result order cheap.
public struct Labels: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let metricName = "__name__"

    public private(set) var pairs: [Label] {
        didSet { cachedHash = Labels.hash(of: pairs) }
    }
    /// Label sets are dictionary keys at every evaluation step; hashing once per change
    /// instead of once per lookup matters.
    private var cachedHash: Int

    public init() {
        pairs = []
        cachedHash = Labels.hash(of: [])
    }

    private static func hash(of pairs: [Label]) -> Int {
        var hasher = Hasher()
        hasher.combine(pairs)
        return hasher.finalize()
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(cachedHash)
    }

    /// By bytes, as Prometheus tells series apart: `{unit="K"}` and `{unit="\u{212A}"}` are two
    /// series, though Swift's `==` on their values is true (and their hashes equal).
    public static func == (lhs: Labels, rhs: Labels) -> Bool {
        guard lhs.cachedHash == rhs.cachedHash, lhs.pairs.count == rhs.pairs.count else { return false }
        // Copies of one set share their pairs' storage (a series' labels at every step of
        // a query): equal without a look at the bytes, as Array's own `==` answers.
        if lhs.sharesPairStorage(with: rhs) { return true }
        return zip(lhs.pairs, rhs.pairs).allSatisfy { $0.name.utf8Equals($1.name) && $0.value.utf8Equals($1.value) }
    }

    private func sharesPairStorage(with other: Labels) -> Bool {
        pairs.withUnsafeBufferPointer { mine in other.pairs.withUnsafeBufferPointer { theirs in mine.baseAddress == theirs.baseAddress } }
    }

    /// Builds a label set from pairs in any order; a later duplicate name wins.
    public init(_ unsorted: [Label]) {
        // Block indexes, the WAL and the head hand over sorted sets: taken as they are.
        self.init(sortedPairs: Labels.isStrictlySorted(unsorted) ? unsorted : Labels.sortedUnique(unsorted))
    }

    private static func sortedUnique(_ unsorted: [Label]) -> [Label] {
        var byName: [String: String] = [:]
        for label in unsorted { byName[label.name] = label.value }
        return byName.map { Label($0.key, $0.value) }.sorted { $0.name.utf8Precedes($1.name) }
    }

    /// Pairs already sorted by name with unique names (a filtered subset of a label set's).
    private init(sortedPairs: [Label]) {
        pairs = sortedPairs
        cachedHash = Labels.hash(of: sortedPairs)
    }

    private static func isStrictlySorted(_ pairs: [Label]) -> Bool {
        for index in pairs.indices.dropFirst() where !pairs[index - 1].name.utf8Precedes(pairs[index].name) { return false }
        return true
    }

    public init(_ dictionary: [String: String]) {
        self.init(dictionary.map { Label($0.key, $0.value) })
    }

    public var isEmpty: Bool { pairs.isEmpty }

    public subscript(name: String) -> String? {
        for label in pairs where label.name == name { return label.value }
        return nil
    }

    /// The value of `name`, or "" when absent (Prometheus treats both alike).
    public func value(_ name: String) -> String { self[name] ?? "" }

    public var metricName: String? { self[Labels.metricName] }

    /// Sets `name` to `value`; an empty value removes the label, as in Prometheus.
    public mutating func set(_ name: String, _ value: String) {
        if let index = pairs.firstIndex(where: { !$0.name.utf8Precedes(name) }) {
            if pairs[index].name == name {
                if value.isEmpty { pairs.remove(at: index) } else { pairs[index].value = value }
            } else if !value.isEmpty {
                pairs.insert(Label(name, value), at: index)
            }
        } else if !value.isEmpty {
            pairs.append(Label(name, value))
        }
    }

    public mutating func remove(_ name: String) {
        pairs.removeAll { $0.name == name }
    }

    // Both build only the kept pairs: aggregations call them per series and step, where
    // copying the whole set and then removing from it cost a retain per dropped string.
    public func removing(_ names: Set<String>) -> Labels {
        Labels(sortedPairs: pairs.filter { !names.contains($0.name) })
    }

    public func keeping(_ names: Set<String>) -> Labels {
        Labels(sortedPairs: pairs.filter { names.contains($0.name) })
    }

    public var withoutMetricName: Labels { removing([Labels.metricName]) }

    /// Prometheus's `labels.Compare`: pair by pair, name first, then value; shorter sets first.
    public static func < (lhs: Labels, rhs: Labels) -> Bool {
        let count = min(lhs.pairs.count, rhs.pairs.count)
        for index in 0..<count {
            let left = lhs.pairs[index], right = rhs.pairs[index]
            let byName = left.name.utf8Compare(right.name)
            if byName != 0 { return byName < 0 }
            let byValue = left.value.utf8Compare(right.value)
            if byValue != 0 { return byValue < 0 }
        }
        return lhs.pairs.count < rhs.pairs.count
    }

    /// Prometheus's `labels.String()`: `{__name__="up", job="api"}`, values Go-quoted.
    public var description: String {
        "{" + pairs.map { "\($0.name)=\(goQuote($0.value))" }.joined(separator: ", ") + "}"
    }
}
