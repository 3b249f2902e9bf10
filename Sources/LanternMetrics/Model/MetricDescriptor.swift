import LanternSupport
import Synchronization

/// The fixed part of a metric: name, help, type and label names. Collectors build
/// their descriptors once and attach values to them on every scrape. A class of
/// constants: collectors pass descriptors around per series, and copying a struct of
/// seven fields retained five of them each time.
public final class MetricDescriptor: Sendable, Hashable {
    public let name: String
    public let help: String
    public let type: MetricType
    /// Names of the labels whose values are given per series, in the order
    /// `MetricSink.add` takes the values.
    public let variableLabels: [String]
    /// Labels with the same value on every series.
    public let constLabels: [Label]
    /// For each position of the exposed (name-sorted) label list: the index into
    /// `constLabels + values` it comes from.
    @usableFromInline let exposedOrder: [Int]
    /// `MetricSink.familyKey(of: name)`: how a sink finds this family among the others.
    let familyKey: UInt64
    /// The most series a sink has put in a family it started from this descriptor: the
    /// next such family reserves that much room at once instead of growing (and moving its
    /// series) four or five times per scrape, as per-CPU and per-device families did.
    let mostSeries = Atomic<Int>(0)

    public init(
        name: String, help: String, type: MetricType,
        labels variableLabels: [String] = [], constLabels: [Label] = []
    ) {
        self.name = name
        self.help = help
        self.type = type
        self.variableLabels = variableLabels
        self.constLabels = constLabels
        let allNames = constLabels.map(\.name) + variableLabels
        self.exposedOrder = allNames.indices.sorted { allNames[$0].utf8Precedes(allNames[$1]) }
        self.familyKey = MetricSink.familyKey(of: name)
    }

    /// Equal when what they describe is (the order and key follow from it).
    public static func == (a: MetricDescriptor, b: MetricDescriptor) -> Bool {
        a === b || (a.name == b.name && a.help == b.help && a.type == b.type
            && a.variableLabels == b.variableLabels && a.constLabels == b.constLabels)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(help)
        hasher.combine(type)
        hasher.combine(variableLabels)
        hasher.combine(constLabels)
    }

    /// Builds a series' label list, sorted by label name as the encoders expect.
    /// Returns nil when the number of values does not match `variableLabels`.
    @inlinable
    public func labels(_ values: [String]) -> [Label]? {
        guard values.count == variableLabels.count else { return nil }
        if constLabels.isEmpty && values.count <= 1 {
            return values.isEmpty ? [] : [Label(variableLabels[0], values[0])]
        }
        var result: [Label] = []
        result.reserveCapacity(exposedOrder.count)
        let constCount = constLabels.count
        for index in exposedOrder {
            if index < constCount {
                result.append(constLabels[index])
            } else {
                result.append(Label(variableLabels[index - constCount], values[index - constCount]))
            }
        }
        return result
    }
}
