/// Where a collector puts what it read during one scrape. One sink per collector
/// run; not shared between threads.
///
/// Its lookup state is `@exclusivity(unchecked)`: every access to a class's stored
/// property is otherwise checked at run time (~70 instructions, ~2300 a scrape, a
/// thirtieth of the exporter's work), and the sink's own methods, the only code that
/// touches these, never hold two accesses to one of them at once.
public final class MetricSink {
    @exclusivity(unchecked) public private(set) var families: [MetricFamily] = []
    /// Each family's `familyKey(of:)`, by position: a new family (half of an exporter's
    /// series start one) is told apart from the others by comparing integers, not names.
    @exclusivity(unchecked) private var familyKeys: [UInt64] = []
    /// Family positions by name, made only once the sink holds more families than a
    /// scan of the keys suits (a textfile collector relaying many families).
    @exclusivity(unchecked) private var familyIndex: [String: Int] = [:]
    /// The family the last sample went to: collectors mostly add a family's series one
    /// after another, or one series of each family in turn (per device), so the last
    /// family and the one after it are compared before anything is looked up.
    @exclusivity(unchecked) private var lastFamily = -1
    /// Problems in what the collector emitted (wrong label count, conflicting
    /// help or type). The registry reports them as a collector failure.
    public private(set) var problems: [String] = []

    public init() {}

    /// Adds one counter, gauge or untyped sample.
    @inlinable
    public func add(_ descriptor: MetricDescriptor, _ value: Double, _ labelValues: String...) {
        add(descriptor, value, labelValues: labelValues)
    }

    /// The same for a series without labels, without the variadic array.
    public func add(_ descriptor: MetricDescriptor, _ value: Double) {
        append(descriptor, .scalar(value), [])
    }

    /// The same for a series with one label, without the variadic array.
    public func add(_ descriptor: MetricDescriptor, _ value: Double, _ labelValue: String) {
        guard descriptor.variableLabels.count == 1, descriptor.constLabels.isEmpty else {
            append(descriptor, .scalar(value), [labelValue])
            return
        }
        appendChecked(descriptor, Metric(labels: [Label(descriptor.variableLabels[0], labelValue)], value: .scalar(value)))
    }

    public func add(_ descriptor: MetricDescriptor, _ value: Double, labelValues: [String]) {
        append(descriptor, .scalar(value), labelValues)
    }

    public func addHistogram(_ descriptor: MetricDescriptor, _ histogram: HistogramValue, labelValues: [String] = []) {
        append(descriptor, .histogram(histogram), labelValues)
    }

    public func addSummary(_ descriptor: MetricDescriptor, _ summary: SummaryValue, labelValues: [String] = []) {
        append(descriptor, .summary(summary), labelValues)
    }

    /// Adds a whole family (for collectors that relay metrics they did not define,
    /// such as the textfile collector). Series are appended to an existing family of
    /// the same name when help and type agree.
    public func add(family: MetricFamily) {
        let key = Self.familyKey(of: family.name)
        if let index = position(of: family.name, key: key) {
            guard families[index].help == family.help, families[index].type == family.type else {
                problems.append("metric family \(family.name) emitted twice with different help or type")
                return
            }
            families[index].metrics.append(contentsOf: family.metrics)
        } else {
            makeRoomForFamily()
            families.append(family)
            didAppendFamily(key: key)
        }
    }

    /// Records a problem without failing the whole collector at once.
    public func report(problem: String) {
        problems.append(problem)
    }

    private func append(_ descriptor: MetricDescriptor, _ value: MetricValue, _ labelValues: [String]) {
        guard let labels = descriptor.labels(labelValues) else {
            problems.append("\(descriptor.name): expected \(descriptor.variableLabels.count) label values, got \(labelValues.count)")
            return
        }
        appendChecked(descriptor, Metric(labels: labels, value: value))
    }

    /// Adds a series whose labels match the descriptor. The series is consumed, not
    /// copied (a copy retained its labels and value once more).
    private func appendChecked(_ descriptor: MetricDescriptor, _ metric: consuming Metric) {
        if let index = position(of: descriptor.name, key: descriptor.familyKey) {
            families[index].metrics.append(metric)
            lastFamily = index
            let count = families[index].metrics.count
            if count > descriptor.mostSeries.load(ordering: .relaxed) {
                descriptor.mostSeries.store(count, ordering: .relaxed)
            }
            return
        }
        let expected = descriptor.mostSeries.load(ordering: .relaxed)
        var metrics: [Metric]
        if expected > 1 {
            metrics = []
            metrics.reserveCapacity(expected)
            metrics.append(metric)
        } else {
            metrics = [metric]
        }
        makeRoomForFamily()
        families.append(MetricFamily(name: descriptor.name, help: descriptor.help, type: descriptor.type, metrics: metrics))
        didAppendFamily(key: descriptor.familyKey)
    }

    /// Up to this many families are found by scanning their keys.
    private static let scanLimit = 64

    private func position(of name: String, key: UInt64) -> Int? {
        let keys = self.familyKeys, lastFamily = self.lastFamily
        let count = keys.count
        if lastFamily >= 0 {
            if keys[lastFamily] == key && families[lastFamily].name == name { return lastFamily }
            let next = lastFamily + 1 == count ? 0 : lastFamily + 1
            if keys[next] == key && families[next].name == name { return next }
        }
        if count > Self.scanLimit { return familyIndex[name] }
        var index = 0
        while index < count {
            // Names are compared only where the keys agree: a key is a hash, not a name.
            if keys[index] == key && families[index].name == name { return index }
            index += 1
        }
        return nil
    }

    /// Room for this many families is made with the first: a sink holding a dozen or more
    /// grew its arrays four or five times per scrape.
    private static let initialCapacity = 16

    private func makeRoomForFamily() {
        if familyKeys.isEmpty {
            families.reserveCapacity(Self.initialCapacity)
            familyKeys.reserveCapacity(Self.initialCapacity)
        }
    }

    /// Records the family just appended to `families`.
    private func didAppendFamily(key: UInt64) {
        lastFamily = families.count - 1
        familyKeys.append(key)
        if lastFamily >= Self.scanLimit {
            if familyIndex.isEmpty {
                familyIndex.reserveCapacity(2 * Self.scanLimit)
                for (index, known) in families.enumerated() { familyIndex[known.name] = index }
            } else {
                familyIndex[families[lastFamily].name] = lastFamily
            }
        }
    }

    /// 64-bit FNV-1a of a family name's UTF-8 bytes, worked out once per descriptor.
    static func familyKey(of name: String) -> UInt64 {
        var key: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            key = (key ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return key
    }
}
