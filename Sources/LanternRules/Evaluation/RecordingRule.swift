import LanternPromQL

/// `record:` — the expression's result renamed and relabelled, written back as new series.
public final class RecordingRule: Rule {
    public let spec: RuleSpec
    let expression: Expr
    public let labels: [String: String]

    init(spec: RuleSpec, groupLabels: [String: String]) throws {
        self.spec = spec
        expression = try Engine().parse(spec.expression)
        labels = mergedLabels(spec, groupLabels: groupLabels)
    }

    public func evaluate(at time: Int64, queryTime: Int64, context: RuleEvaluationContext, limit: Int) throws -> [Sample] {
        var samples = try context.query(expression, at: queryTime)
        var seen = Set<Labels>()
        for index in samples.indices {
            var sampleLabels = samples[index].labels
            sampleLabels.set(Labels.metricName, spec.name)
            for (name, value) in labels {
                if value.isEmpty { sampleLabels.remove(name) } else { sampleLabels.set(name, value) }
            }
            samples[index].labels = sampleLabels
            samples[index].timestamp = queryTime
            guard seen.insert(sampleLabels).inserted else {
                throw RuleEvaluationError("vector contains metrics with the same labelset after applying rule labels")
            }
        }
        if limit > 0 && samples.count > limit {
            throw RuleEvaluationError("exceeded limit of \(limit) with \(samples.count) series")
        }
        return samples
    }
}
