/// Evaluates one query. Each expression is evaluated at one time at a time; a range query
/// evaluates the whole tree at every step, over samples prefetched by `SelectedSeries`.
final class Evaluator {
    let expr: Expr
    let range: EvaluationRange
    let options: EngineOptions
    let limits: Limits
    private let selected: SelectedSeries
    private(set) var annotations: [Annotation] = []
    /// Metric names already checked for rate()'s "might not be a counter" note.
    var checkedCounterNames = Set<String>()
    /// The name checked last: series of one metric come in a row, so most checks stop here.
    var lastCheckedCounterName: String?
    /// Aggregation groups by clause, kept across steps.
    var groupingIndexes: [GroupingIndex.Clause: GroupingIndex] = [:]

    init(expr: Expr, range: EvaluationRange, storage: any Queryable, options: EngineOptions) throws(QueryError) {
        self.expr = expr
        self.range = range
        self.options = options
        self.limits = Limits(timeout: options.timeout, maxSamples: options.maxSamples)
        self.selected = try SelectedSeries(expr: expr, range: range, lookbackDelta: options.lookbackDelta, storage: storage, limits: limits,
                                           helperThreadWork: options.helperThreadWork)
    }

    /// An evaluator for part of `evaluator`'s steps: the same query and selected samples,
    /// its own per-query state and sample count.
    private init(helping evaluator: Evaluator, abandoned: AbandonSignal) {
        expr = evaluator.expr
        range = evaluator.range
        options = evaluator.options
        limits = Limits(helping: evaluator.limits, abandoned: abandoned)
        selected = evaluator.selected
    }

    func annotate(_ annotation: Annotation) {
        if !annotations.contains(annotation) { annotations.append(annotation) }
    }

    var isRangeQuery: Bool { range.step > 0 }

    // MARK: Query drivers

    func runInstant() throws(QueryError) -> QueryResult {
        let time = range.start
        let value: QueryValue
        switch try evaluate(expr, at: time) {
        case .scalar(let number): value = .scalar(timestamp: time, value: number)
        case .string(let text): value = .string(timestamp: time, value: text)
        case .vector(let elements):
            let samples = elements.map { Sample(labels: $0.finalLabels, timestamp: time, value: $0.value) }
            try Evaluator.requireDistinct(samples.map(\.labels))
            value = .vector(samples)
        case .matrix(let elements):
            let series = elements.map { Series(labels: $0.finalLabels, points: Array($0.points)) }
            try Evaluator.requireDistinct(series.map(\.labels))
            value = .matrix(series)
        }
        return QueryResult(value: value, annotations: annotations)
    }

    func runRange() throws(QueryError) -> QueryResult {
        let stepCount = Int((range.end - range.start) / range.step) + 1
        let series = if stepCount >= 2 && selected.count >= options.helperThreadWork / stepCount {
            try evaluateInHalves(stepCount)
        } else {
            try evaluateSteps(from: range.start, through: range.end)
        }
        let output = series.map { Series(labels: $0.labels, points: $0.points) }.sorted { $0.labels < $1.labels }
        return QueryResult(value: .matrix(output), annotations: annotations)
    }

    /// The range query's steps from `first` through `last`.
    private func evaluateSteps(from first: Int64, through last: Int64) throws(QueryError) -> [(labels: Labels, points: [Point])] {
        // Earlier steps' output stays in memory and counts against the sample limit.
        try evaluateOverSteps(expr, stride(from: first, through: last, by: Int(range.step))) { retained throws(QueryError) in
            try limits.check()
            limits.reset(to: retained)
        }
    }

    /// The first half of the steps here, the second at once on a helper thread with an
    /// evaluator of its own over the same selected samples: steps are independent, so a
    /// second core halves the wall time (Prometheus's engine gets one from Go's runtime).
    /// Result and errors are those of evaluating every step in order.
    private func evaluateInHalves(_ stepCount: Int) throws(QueryError) -> [(labels: Labels, points: [Point])] {
        let secondStart = range.start + Int64(stepCount / 2) * range.step
        let abandoned = AbandonSignal()
        let helper = Evaluator(helping: self, abandoned: abandoned)
        let end = range.end
        let later = HelperThread.start { Evaluator.attempt { () throws(QueryError) in try helper.evaluateSteps(from: secondStart, through: end) } }
        let earlier = Evaluator.attempt { () throws(QueryError) in try evaluateSteps(from: range.start, through: secondStart - range.step) }
        if case .failure = earlier { abandoned.set() }
        let laterResult = later.join()
        // In step order: the first half's error, then the sample limit as it would have
        // been with the first half's output held, then the second half's error.
        let first = try earlier.get()
        let retained = first.reduce(0) { $0 + $1.points.count }
        if helper.limits.wouldExceed(atPeakPlus: retained) { throw QueryError.tooManySamples }
        let second = try laterResult.get()
        for annotation in helper.annotations { annotate(annotation) }
        return Evaluator.appending(second, to: first)
    }

    private static func attempt<Output>(_ body: () throws(QueryError) -> Output) -> Result<Output, QueryError> {
        do {
            return .success(try body())
        } catch {
            return .failure(error)
        }
    }

    /// Series gathered over later steps added to those of earlier ones: points of the
    /// same labels appended, new labels after.
    private static func appending(
        _ later: [(labels: Labels, points: [Point])], to earlier: [(labels: Labels, points: [Point])]
    ) -> [(labels: Labels, points: [Point])] {
        var series = earlier
        var indexByLabels: [Labels: Int] = [:]
        for (index, entry) in series.enumerated() { indexByLabels[entry.labels] = index }
        for entry in later {
            if let index = indexByLabels[entry.labels] {
                series[index].points += entry.points
            } else {
                series.append(entry)
            }
        }
        return series
    }

    /// Evaluates `expr` at each of `times` and gathers the values into series by their
    /// final labels, in first-seen order. `beforeStep` gets the points gathered so far.
    private func evaluateOverSteps(
        _ expr: Expr, _ times: StrideThrough<Int64>, beforeStep: (Int) throws(QueryError) -> Void
    ) throws(QueryError) -> [(labels: Labels, points: [Point])] {
        var indexByLabels: [Labels: Int] = [:]
        var series: [(labels: Labels, points: [Point])] = []
        var gathered = 0
        for time in times {
            try beforeStep(gathered)
            let values: [(Labels, Double)]
            switch try evaluate(expr, at: time) {
            case .scalar(let number): values = [(Labels(), number)]
            case .vector(let elements):
                values = elements.map { ($0.finalLabels, $0.value) }
                try Evaluator.requireDistinct(values.map(\.0))
            case .string, .matrix:
                throw QueryError.execution("invalid expression type for range query, must be Scalar or instant Vector")
            }
            for (labels, value) in values {
                if let index = indexByLabels[labels] {
                    series[index].points.append(Point(time, value))
                } else {
                    indexByLabels[labels] = series.count
                    series.append((labels, [Point(time, value)]))
                }
            }
            gathered += values.count
        }
        return series
    }

    static func requireDistinct(_ labelSets: [Labels]) throws(QueryError) {
        guard labelSets.count > 1 else { return }
        var seen = Set<Labels>()
        for labels in labelSets where !seen.insert(labels).inserted {
            throw QueryError.execution("vector cannot contain metrics with the same labelset")
        }
    }

    // MARK: Expressions

    func evaluate(_ expr: Expr, at time: Int64) throws(QueryError) -> EvalValue {
        switch expr {
        case .number(let literal): return .scalar(literal.value)
        case .string(let literal): return .string(literal.value)
        case .parenthesized(let inner, _): return try evaluate(inner, at: time)
        case .vectorSelector(let selector): return .vector(try selectInstant(selector, at: time))
        case .matrixSelector(let matrix): return .matrix(try selectRange(matrix, at: time))
        case .subquery(let subquery): return .matrix(try evaluateSubquery(subquery, at: time))
        case .unary(let unary):
            let operand = try evaluate(unary.operand, at: time)
            guard unary.negate else { return operand }
            switch operand {
            case .scalar(let number): return .scalar(-number)
            case .vector(let elements):
                return .vector(elements.map { element in
                    var negated = element
                    negated.value = -element.value
                    negated.dropsName = true
                    return negated
                })
            default: return operand
            }
        case .binary(let binary): return try evaluateBinary(binary, at: time)
        case .aggregation(let aggregation): return .vector(try evaluateAggregation(aggregation, at: time))
        case .call(let call): return try evaluateCall(call, at: time)
        }
    }

    /// The time a selector reads at: `@` pins it, `offset` shifts it back.
    private func readTime(at time: Int64, pinnedBy at: AtModifier?, offset: Int64) -> Int64 {
        (at?.resolve(in: range) ?? time) - offset
    }

    func selectInstant(_ selector: VectorSelector, at time: Int64) throws(QueryError) -> [VectorElement] {
        try limits.check()
        let readAt = readTime(at: time, pinnedBy: selector.at, offset: selector.offset)
        var result: [VectorElement] = []
        for series in selected[selector.matchers] {
            let after = series.points.partitionPoint { $0.timestamp <= readAt }
            guard after > 0 else { continue }
            let point = series.points[after - 1]
            // The lookback window is left-open: a sample exactly lookbackDelta old is too old.
            guard point.timestamp > readAt - options.lookbackDelta, !StaleMarker.isStale(point.value) else { continue }
            result.append(VectorElement(labels: series.labels, timestamp: point.timestamp, value: point.value, seriesID: series.id))
        }
        try limits.hold(result.count)
        return result
    }

    func selectRange(_ matrix: MatrixSelector, at time: Int64) throws(QueryError) -> [RangeElement] {
        try limits.check()
        let readAt = readTime(at: time, pinnedBy: matrix.selector.at, offset: matrix.selector.offset)
        var result: [RangeElement] = []
        var held = 0
        for series in selected[matrix.selector.matchers] {
            let lower = series.points.partitionPoint { $0.timestamp <= readAt - matrix.range }
            let upper = series.points.partitionPoint { $0.timestamp <= readAt }
            guard lower < upper else { continue }
            var points = series.points[lower..<upper]
            if series.containsStaleMarkers, points.contains(where: { StaleMarker.isStale($0.value) }) {
                points = ArraySlice(points.filter { !StaleMarker.isStale($0.value) })
                guard !points.isEmpty else { continue }
            }
            held += points.count
            result.append(RangeElement(labels: series.labels, points: points, seriesID: series.id))
        }
        try limits.hold(held)
        return result
    }

    /// The window `(start, end]` a range argument covers at `time`, for rate's extrapolation.
    func window(of argument: Expr, at time: Int64) -> (start: Int64, end: Int64) {
        switch argument.unwrapped {
        case .matrixSelector(let matrix):
            let end = readTime(at: time, pinnedBy: matrix.selector.at, offset: matrix.selector.offset)
            return (end - matrix.range, end)
        case .subquery(let subquery):
            let end = readTime(at: time, pinnedBy: subquery.at, offset: subquery.offset)
            return (end - subquery.range, end)
        default:
            return (time, time)
        }
    }

    func evaluateSubquery(_ subquery: Subquery, at time: Int64) throws(QueryError) -> [RangeElement] {
        let end = readTime(at: time, pinnedBy: subquery.at, offset: subquery.offset)
        let step = subquery.step > 0 ? subquery.step : options.defaultSubqueryStep
        let windowStart = end - subquery.range
        // The first step-aligned time inside the left-open window (Go's truncating division).
        var first = windowStart / step * step
        if first <= windowStart { first += step }
        let series = try evaluateOverSteps(subquery.expr, stride(from: first, through: end, by: Int(step))) { _ throws(QueryError) in
            try limits.check()
        }
        try limits.hold(series.reduce(0) { $0 + $1.points.count })
        return series.map { RangeElement(labels: $0.labels, points: $0.points[...]) }
    }

    // MARK: Typed evaluation helpers

    func scalar(_ expr: Expr, at time: Int64) throws(QueryError) -> Double {
        guard case .scalar(let number) = try evaluate(expr, at: time) else { return .nan }
        return number
    }

    func vector(_ expr: Expr, at time: Int64) throws(QueryError) -> [VectorElement] {
        guard case .vector(let elements) = try evaluate(expr, at: time) else { return [] }
        return elements
    }

    func matrix(_ expr: Expr, at time: Int64) throws(QueryError) -> [RangeElement] {
        guard case .matrix(let elements) = try evaluate(expr, at: time) else { return [] }
        return elements
    }

    func string(_ expr: Expr, at time: Int64) throws(QueryError) -> String {
        guard case .string(let text) = try evaluate(expr, at: time) else { return "" }
        return text
    }
}
