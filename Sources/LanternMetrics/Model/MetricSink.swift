/// Where a collector puts what it read during one scrape. One sink per collector
/// run; not shared between threads.
public final class MetricSink {
    public private(set) var families: [MetricFamily] = []
    private var familyIndex: [String: Int] = [:]
    /// The family the last sample went to: collectors mostly add a family's series one
    /// after another, and comparing one name is cheaper than hashing it.
    private var lastFamily = -1
    /// Problems in what the collector emitted (wrong label count, conflicting
    /// help or type). The registry reports them as a collector failure.
    public private(set) var problems: [String] = []

    public init() {}

    /// Adds one counter, gauge or untyped sample.
    @inlinable
    public func add(_ descriptor: MetricDescriptor, _ value: Double, _ labelValues: String...) {
        add(descriptor, value, labelValues: labelValues)
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
        if let index = familyIndex[family.name] {
            guard families[index].help == family.help, families[index].type == family.type else {
                problems.append("metric family \(family.name) emitted twice with different help or type")
                return
            }
            families[index].metrics.append(contentsOf: family.metrics)
        } else {
            familyIndex[family.name] = families.count
            families.append(family)
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
        let metric = Metric(labels: labels, value: value)
        if lastFamily >= 0 && families[lastFamily].name == descriptor.name {
            families[lastFamily].metrics.append(metric)
        } else if let index = familyIndex[descriptor.name] {
            families[index].metrics.append(metric)
            lastFamily = index
        } else {
            lastFamily = families.count
            familyIndex[descriptor.name] = families.count
            families.append(MetricFamily(name: descriptor.name, help: descriptor.help, type: descriptor.type, metrics: [metric]))
        }
    }
}
