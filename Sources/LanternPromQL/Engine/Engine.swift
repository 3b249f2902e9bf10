import LanternSupport

/// Settings of the query engine, named after Prometheus's flags.
public struct EngineOptions: Sendable {
    /// `--query.lookback-delta`: how far back an instant selector looks for a sample.
    public var lookbackDelta: Int64 = 5 * 60_000
    /// `--query.max-samples`: samples a single evaluation step may hold in memory.
    public var maxSamples = 50_000_000
    /// `--query.timeout`, in milliseconds.
    public var timeout: Int64 = 2 * 60_000
    /// Resolution of subqueries without a step (`x[5m:]`): Prometheus's evaluation interval.
    public var defaultSubqueryStep: Int64 = 60_000
    /// Work from which a query hands half of it to a helper thread (`Int.max`: never), in
    /// evaluations of one series at one step: the second half of a range query's steps,
    /// the second half of a selector's series to read (one read counts as 20). A thread
    /// costs ~0.1 ms; 20 000 such units take several ms. Tests set 0 to split whatever
    /// has two halves.
    public var helperThreadWork = 20_000

    public init() {}
}

/// Why a query failed, in the categories the HTTP API maps to status codes.
public enum QueryError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The query does not parse or type-check (HTTP 400 `bad_data`).
    case parse(String)
    /// Evaluation failed (HTTP 422 `execution`).
    case execution(String)
    /// `--query.timeout` passed (HTTP 503 `timeout`).
    case timeout
    /// The surrounding task was cancelled (HTTP 503 `canceled`).
    case cancelled
    /// `--query.max-samples` exceeded (HTTP 422 `execution`).
    case tooManySamples

    public var description: String {
        switch self {
        case .parse(let message), .execution(let message): return message
        case .timeout: return "query timed out in expression evaluation"
        case .cancelled: return "query was canceled in expression evaluation"
        case .tooManySamples: return "query processing would load too many samples into memory in query execution"
        }
    }
}

/// An evaluation's result with the warnings and infos Prometheus would attach.
public struct QueryResult: Sendable {
    public var value: QueryValue
    public var annotations: [Annotation]
}

/// Evaluates PromQL over a `Queryable`. Stateless between queries; safe to share.
public struct Engine: Sendable {
    public let options: EngineOptions

    public init(options: EngineOptions = EngineOptions()) {
        self.options = options
    }

    /// Parses `query`, mapping parse errors to `QueryError.parse`.
    public func parse(_ query: String) throws(QueryError) -> Expr {
        do {
            return try Parser.parse(query)
        } catch {
            throw QueryError.parse(error.description)
        }
    }

    /// Evaluates `query` at one instant (milliseconds).
    public func instantQuery(_ query: String, at time: Int64, storage: any Queryable) throws(QueryError) -> QueryResult {
        try instantQuery(parse(query), at: time, storage: storage)
    }

    public func instantQuery(_ expr: Expr, at time: Int64, storage: any Queryable) throws(QueryError) -> QueryResult {
        let query = EvaluationRange(start: time, end: time, step: 0)
        let evaluator = try Evaluator(expr: expr, range: query, storage: storage, options: options)
        return try evaluator.runInstant()
    }

    /// Evaluates `query` at `start`, `start + step`, ... up to `end` (milliseconds).
    public func rangeQuery(_ query: String, start: Int64, end: Int64, step: Int64, storage: any Queryable) throws(QueryError) -> QueryResult {
        try rangeQuery(parse(query), start: start, end: end, step: step, storage: storage)
    }

    public func rangeQuery(_ expr: Expr, start: Int64, end: Int64, step: Int64, storage: any Queryable) throws(QueryError) -> QueryResult {
        guard step > 0 else { throw QueryError.execution("zero or negative query resolution step widths are not accepted. Try a positive integer") }
        guard end >= start else { throw QueryError.execution("end timestamp must not be before start time") }
        guard expr.type == .scalar || expr.type == .vector else {
            throw QueryError.execution("invalid expression type \(goQuote(expr.type.rawValue)) for range query, must be Scalar or instant Vector")
        }
        let query = EvaluationRange(start: start, end: end, step: step)
        let evaluator = try Evaluator(expr: expr, range: query, storage: storage, options: options)
        return try evaluator.runRange()
    }
}

/// The query's own time span: `@ start()` and `@ end()` refer to it.
struct EvaluationRange {
    let start: Int64
    let end: Int64
    /// 0 for instant queries.
    let step: Int64
}
