import LanternPromQL

/// A recording or alerting rule: evaluated at a time, it returns the samples to write.
public protocol Rule: AnyObject, Sendable {
    var spec: RuleSpec { get }
    /// `limit` 0 means unlimited; exceeding it fails the evaluation.
    func evaluate(at time: Int64, queryTime: Int64, context: RuleEvaluationContext, limit: Int) throws -> [Sample]
}

/// Health as `/api/v1/rules` reports it, set after every evaluation.
public struct RuleStatus: Sendable {
    public enum Health: String, Sendable { case unknown, ok, err }
    public var health = Health.unknown
    public var lastError = ""
    /// Wall-clock milliseconds of the last evaluation's start; 0 before the first.
    public var lastEvaluation: Int64 = 0
    public var evaluationSeconds = 0.0
}

/// The rule's labels, with the group's as defaults: Prometheus merges group labels
/// under the rule's own.
func mergedLabels(_ rule: RuleSpec, groupLabels: [String: String]) -> [String: String] {
    groupLabels.merging(rule.labels) { _, own in own }
}
