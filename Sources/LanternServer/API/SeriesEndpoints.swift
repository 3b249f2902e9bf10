import LanternPromQL
import LanternScrape

/// `/api/v1/series`, `/api/v1/labels` and `/api/v1/label/<name>/values`.
struct SeriesEndpoints {
    let runtime: ServerRuntime

    func series(_ request: APIRequest) -> APIResponse {
        respond { () throws -> String in
            let sets = try APIParameters.matcherSets(request)
            guard !sets.isEmpty else { throw ParameterError(message: "no match[] parameter provided") }
            let querier = try openQuerier(request)
            defer { querier.close() }
            var found = Set<Labels>()
            for matchers in sets {
                var seriesSet = try querier.select(matchers, hints: SelectHints(start: querier.start, end: querier.end))
                while let series = try seriesSet.next() { found.insert(series.labels) }
            }
            return "[" + found.sorted().map(PrometheusJSON.labels).joined(separator: ",") + "]"
        }
    }

    func labelNames(_ request: APIRequest) -> APIResponse {
        respond { () throws -> String in
            let querier = try openQuerier(request)
            defer { querier.close() }
            let sets = try APIParameters.matcherSets(request)
            var names = Set<String>()
            for matchers in sets.isEmpty ? [[]] : sets { names.formUnion(try querier.inner.labelNames(matching: matchers)) }
            return APIEnvelope.stringArray(names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        }
    }

    func labelValues(_ request: APIRequest, name: String) -> APIResponse {
        guard LabelName.isValid(name) else { return APIEnvelope.error(.badData, "invalid label name: \"\(name)\"") }
        return respond { () throws -> String in
            let querier = try openQuerier(request)
            defer { querier.close() }
            let sets = try APIParameters.matcherSets(request)
            var values = Set<String>()
            for matchers in sets.isEmpty ? [[]] : sets { values.formUnion(try querier.inner.labelValues(name, matching: matchers)) }
            return APIEnvelope.stringArray(values.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        }
    }

    private func respond(_ body: () throws -> String) -> APIResponse {
        do {
            return APIEnvelope.success(try body())
        } catch let error as ParameterError {
            return error.response
        } catch {
            return APIEnvelope.error(.internal, "\(error)")
        }
    }

    /// A querier over the request's `start`/`end` (all time when absent).
    private func openQuerier(_ request: APIRequest) throws -> RangeQuerier {
        let start = try APIParameters.time(request, "start", default: APIParameters.minTime)
        let end = try APIParameters.time(request, "end", default: APIParameters.maxTime)
        return RangeQuerier(inner: try runtime.database.querier(mint: start, maxt: end), start: start, end: end)
    }
}

/// A querier with the range it was opened for.
struct RangeQuerier {
    let inner: any Querier
    let start: Int64
    let end: Int64

    func select(_ matchers: [LabelMatcher], hints: SelectHints) throws -> any SeriesSet { try inner.select(matchers, hints: hints) }
    func close() { inner.close() }
}
