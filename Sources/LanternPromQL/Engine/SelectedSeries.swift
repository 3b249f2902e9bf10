/// The samples every selector of a query needs, read from storage once before evaluation
/// so that each step only binary-searches in memory.
struct SelectedSeries {
    struct Stored {
        let labels: Labels
        let points: [Point]
    }

    private var seriesByMatchers: [[LabelMatcher]: [Stored]] = [:]

    subscript(matchers: [LabelMatcher]) -> [Stored] { seriesByMatchers[matchers] ?? [] }

    /// Reads, for each distinct selector, the samples of the span all its uses cover.
    init(expr: Expr, range: EvaluationRange, lookbackDelta: Int64, storage: any Queryable, limits: Limits) throws(QueryError) {
        var spans: [[LabelMatcher]: (mint: Int64, maxt: Int64, range: Int64)] = [:]
        SelectedSeries.collectSpans(expr, from: range.start, to: range.end, query: range, lookbackDelta: lookbackDelta, into: &spans)
        guard let mint = spans.values.map(\.mint).min(), let maxt = spans.values.map(\.maxt).max() else { return }
        do {
            let querier = try storage.querier(mint: mint, maxt: maxt)
            defer { querier.close() }
            for (matchers, span) in spans {
                var set = try querier.select(matchers, hints: SelectHints(start: span.mint, end: span.maxt, range: span.range))
                var stored: [Stored] = []
                while let series = try set.next() {
                    try limits.check()
                    var iterator = series.makeSampleIterator()
                    var points: [Point] = []
                    if try iterator.seek(to: span.mint) {
                        repeat {
                            let point = iterator.current
                            if point.timestamp > span.maxt { break }
                            points.append(point)
                        } while try iterator.next()
                    }
                    if !points.isEmpty { stored.append(Stored(labels: series.labels, points: points)) }
                }
                seriesByMatchers[matchers] = stored
            }
        } catch let error as QueryError {
            throw error
        } catch {
            throw QueryError.execution("\(error)")
        }
    }

    /// Widens each selector's span for evaluation over `[from, to]`.
    private static func collectSpans(
        _ expr: Expr, from: Int64, to: Int64, query: EvaluationRange, lookbackDelta: Int64,
        into spans: inout [[LabelMatcher]: (mint: Int64, maxt: Int64, range: Int64)]
    ) {
        func pinned(_ at: AtModifier?) -> (Int64, Int64) {
            guard let at else { return (from, to) }
            let time = at.resolve(in: query)
            return (time, time)
        }
        func widen(_ matchers: [LabelMatcher], _ mint: Int64, _ maxt: Int64, _ range: Int64) {
            if let old = spans[matchers] {
                spans[matchers] = (min(old.mint, mint), max(old.maxt, maxt), max(old.range, range))
            } else {
                spans[matchers] = (mint, maxt, range)
            }
        }
        func recurse(_ child: Expr) {
            collectSpans(child, from: from, to: to, query: query, lookbackDelta: lookbackDelta, into: &spans)
        }
        switch expr {
        case .number, .string: return
        case .vectorSelector(let selector):
            let (start, end) = pinned(selector.at)
            widen(selector.matchers, start - selector.offset - lookbackDelta, end - selector.offset, 0)
        case .matrixSelector(let matrix):
            let (start, end) = pinned(matrix.selector.at)
            widen(matrix.selector.matchers, start - matrix.selector.offset - matrix.range, end - matrix.selector.offset, matrix.range)
        case .subquery(let subquery):
            let (start, end) = pinned(subquery.at)
            collectSpans(subquery.expr, from: start - subquery.offset - subquery.range, to: end - subquery.offset,
                         query: query, lookbackDelta: lookbackDelta, into: &spans)
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
