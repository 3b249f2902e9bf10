/// The samples every selector of a query needs, read from storage once before evaluation
/// so that each step only binary-searches in memory.
struct SelectedSeries {
    struct Stored {
        /// Numbers the series of all selectors of the query from 0.
        var id: Int
        let labels: Labels
        let points: [Point]
        /// Whether any point is a staleness marker (range windows must then drop them).
        let containsStaleMarkers: Bool

        init(id: Int, labels: Labels, points: [Point]) {
            self.id = id
            self.labels = labels
            self.points = points
            containsStaleMarkers = points.contains { StaleMarker.isStale($0.value) }
        }
    }

    private var seriesByMatchers: [[LabelMatcher]: [Stored]] = [:]
    /// Series stored for all selectors together.
    private(set) var count = 0

    subscript(matchers: [LabelMatcher]) -> [Stored] { seriesByMatchers[matchers] ?? [] }

    /// Reads, for each distinct selector, the samples of the span all its uses cover
    /// (half of a selector's series on a helper thread from `helperThreadWork`, see
    /// `EngineOptions`).
    init(expr: Expr, range: EvaluationRange, lookbackDelta: Int64, storage: any Queryable, limits: Limits,
         helperThreadWork: Int) throws(QueryError) {
        var spans: [[LabelMatcher]: Span] = [:]
        SelectedSeries.collectSpans(expr, from: range.start, to: range.end, query: range, lookbackDelta: lookbackDelta,
                                    reads: ReadTimes(first: range.start, step: range.step, last: range.end), into: &spans)
        guard let mint = spans.values.map(\.mint).min(), let maxt = spans.values.map(\.maxt).max() else { return }
        do {
            let querier = try storage.querier(mint: mint, maxt: maxt)
            defer { querier.close() }
            for (matchers, span) in spans {
                var set = try querier.select(matchers, hints: SelectHints(start: span.mint, end: span.maxt, range: span.range))
                var series: [any StoredSeries] = []
                while let next = try set.next() { series.append(next) }
                var stored: [Stored]
                if series.count >= 2, series.count >= helperThreadWork / SelectedSeries.readCostInSteps {
                    stored = try SelectedSeries.readInHalves(series, span, limits: limits)
                } else {
                    stored = try SelectedSeries.read(series[...], span, limits: limits)
                }
                for index in stored.indices { stored[index].id = count + index }
                seriesByMatchers[matchers] = stored
                count += stored.count
            }
        } catch let error as QueryError {
            throw error
        } catch {
            throw QueryError.execution("\(error)")
        }
    }

    /// What reading one series costs, in evaluations of a series at one step: decoding
    /// a chunk or two of samples against a binary search or two.
    static let readCostInSteps = 20

    /// The samples of `series` in the span, the series without any left out; ids are
    /// the caller's to set.
    private static func read(_ series: ArraySlice<any StoredSeries>, _ span: Span, limits: Limits) throws -> [Stored] {
        var stored: [Stored] = []
        // Read into one buffer, then copied at its size: a new array per series grew by
        // doubling, a reallocation and copy per doubling (~7 for 2 minutes at 2 s).
        var buffer: [Point] = []
        for one in series {
            try limits.check()
            try SelectedSeries.read(one, span, into: &buffer)
            if !buffer.isEmpty {
                stored.append(Stored(id: 0, labels: one.labels, points: buffer.withUnsafeBufferPointer { Array($0) }))
            }
        }
        return stored
    }

    /// `read` of the first half of `series` here and of the second at once on a helper
    /// thread (decoding chunks is most of a selection's time); errors in series order.
    private static func readInHalves(_ series: [any StoredSeries], _ span: Span, limits: Limits) throws -> [Stored] {
        let middle = series.count / 2
        let abandoned = AbandonSignal()
        let helperLimits = Limits(helping: limits, abandoned: abandoned)
        let later = HelperThread.start { Result { try SelectedSeries.read(series[middle...], span, limits: helperLimits) } }
        let earlier = Result { try SelectedSeries.read(series[..<middle], span, limits: limits) }
        if case .failure = earlier { abandoned.set() }
        let laterResult = later.join()
        return try earlier.get() + laterResult.get()
    }

    private static func read(_ series: any StoredSeries, _ span: Span, into points: inout [Point]) throws {
        points.removeAll(keepingCapacity: true)
        var iterator = series.makeSampleIterator()
        guard try iterator.seek(to: span.mint) else { return }
        var previous: Point?
        repeat {
            let point = iterator.current
            if point.timestamp > span.maxt { break }
            if let reads = span.reads {
                if let kept = previous, reads.anyRead(from: kept.timestamp, before: point.timestamp) { points.append(kept) }
                previous = point
            } else {
                points.append(point)
            }
        } while try iterator.next()
        if let kept = previous, let reads = span.reads, reads.anyRead(from: kept.timestamp, before: .max) { points.append(kept) }
    }

    /// What a selector's uses need: samples in `[mint, maxt]`, the longest range, and the
    /// times instant uses read at when all uses read at the same known times.
    struct Span {
        var mint: Int64
        var maxt: Int64
        var range: Int64
        var reads: ReadTimes?
    }

    /// The evaluation times of a selector outside subqueries: `first`, `first + step`, ...
    /// up to `last` (one time when `step` is 0).
    struct ReadTimes: Equatable {
        let first: Int64
        let step: Int64
        let last: Int64

        func shifted(by offset: Int64) -> ReadTimes { ReadTimes(first: first - offset, step: step, last: last - offset) }

        /// Whether one of the times lies in `[start, end)`.
        func anyRead(from start: Int64, before end: Int64) -> Bool {
            var time = first
            if start > first {
                guard step > 0 else { return false }
                let steps = (start - first + step - 1) / step
                time = first + steps * step
            }
            return time <= last && time < end
        }
    }

    /// Widens each selector's span for evaluation over `[from, to]`; `reads` is nil inside
    /// subqueries, whose times the selectors do not know in advance.
    private static func collectSpans(
        _ expr: Expr, from: Int64, to: Int64, query: EvaluationRange, lookbackDelta: Int64, reads: ReadTimes?,
        into spans: inout [[LabelMatcher]: Span]
    ) {
        func pinned(_ at: AtModifier?) -> (Int64, Int64) {
            guard let at else { return (from, to) }
            let time = at.resolve(in: query)
            return (time, time)
        }
        func widen(_ matchers: [LabelMatcher], _ use: Span) {
            guard let old = spans[matchers] else {
                spans[matchers] = use
                return
            }
            spans[matchers] = Span(mint: min(old.mint, use.mint), maxt: max(old.maxt, use.maxt), range: max(old.range, use.range),
                                   reads: old.reads == use.reads ? old.reads : nil)
        }
        func recurse(_ child: Expr) {
            collectSpans(child, from: from, to: to, query: query, lookbackDelta: lookbackDelta, reads: reads, into: &spans)
        }
        switch expr {
        case .number, .string: return
        case .vectorSelector(let selector):
            let (start, end) = pinned(selector.at)
            let times = selector.at == nil ? reads : reads.map { _ in ReadTimes(first: start, step: 0, last: start) }
            widen(selector.matchers, Span(mint: start - selector.offset - lookbackDelta, maxt: end - selector.offset, range: 0,
                                          reads: times?.shifted(by: selector.offset)))
        case .matrixSelector(let matrix):
            let (start, end) = pinned(matrix.selector.at)
            widen(matrix.selector.matchers, Span(mint: start - matrix.selector.offset - matrix.range, maxt: end - matrix.selector.offset,
                                                 range: matrix.range, reads: nil))
        case .subquery(let subquery):
            let (start, end) = pinned(subquery.at)
            collectSpans(subquery.expr, from: start - subquery.offset - subquery.range, to: end - subquery.offset,
                         query: query, lookbackDelta: lookbackDelta, reads: nil, into: &spans)
        case .call(let call): call.args.forEach(recurse)
        case .aggregation(let aggregation):
            recurse(aggregation.expr)
            if let parameter = aggregation.parameter { recurse(parameter) }
        case .binary(let binary):
            recurse(binary.lhs)
            recurse(binary.rhs)
        case .unary(let unary): recurse(unary.operand)
        case .parenthesized(let inner, _): recurse(inner)
        }
    }
}

extension AtModifier {
    func resolve(in query: EvaluationRange) -> Int64 {
        switch self {
        case .timestamp(let time): return time
        case .start: return query.start
        case .end: return query.end
        }
    }
}
