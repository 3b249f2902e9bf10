import LanternPromQL
import LanternTSDB

/// What every rule evaluation needs: the engine, the database it queries and writes, and
/// the values templates see.
public struct RuleEvaluationContext: Sendable {
    public var engine: Engine
    public var database: TSDB
    public var externalLabels: [String: String]
    /// Prefix of alerts' `generatorURL` and `$externalURL`.
    public var externalURL: String

    public init(engine: Engine, database: TSDB, externalLabels: [String: String] = [:], externalURL: String = "") {
        self.engine = engine
        self.database = database
        self.externalLabels = externalLabels
        self.externalURL = externalURL
    }

    /// An instant query as rules run it: a scalar becomes a one-element vector without labels.
    func query(_ expression: Expr, at time: Int64) throws -> [Sample] {
        switch try engine.instantQuery(expression, at: time, storage: database).value {
        case .vector(let samples): return samples
        case .scalar(let timestamp, let value): return [Sample(labels: Labels(), timestamp: timestamp, value: value)]
        default: throw RuleEvaluationError("rule result is not a vector or scalar")
        }
    }
}

public struct RuleEvaluationError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
