import LanternPromQL
import LanternScrape

/// `/api/v1/query` and `/api/v1/query_range`.
struct QueryEndpoints {
    let runtime: ServerRuntime

    /// Prometheus refuses range queries longer than this many steps.
    static let maxPoints: Int64 = 11_000

    func instant(_ request: APIRequest) -> APIResponse {
        do {
            let time = try APIParameters.time(request, "time", default: WallClock.nowMilliseconds())
            let engine = try engine(for: request)
            let result = try engine.instantQuery(request.first("query") ?? "", at: time, storage: runtime.database)
            return Self.success(result)
        } catch let error as ParameterError {
            return error.response
        } catch let error as QueryError {
            return APIEnvelope.error(error)
        } catch {
            return APIEnvelope.error(.internal, "\(error)")
        }
    }

    func range(_ request: APIRequest) -> APIResponse {
        do {
            guard request.first("start") != nil else { throw ParameterError(message: "invalid parameter \"start\": cannot parse \"\" to a valid timestamp") }
            guard request.first("end") != nil else { throw ParameterError(message: "invalid parameter \"end\": cannot parse \"\" to a valid timestamp") }
            let start = try APIParameters.time(request, "start", default: 0)
            let end = try APIParameters.time(request, "end", default: 0)
            guard end >= start else { throw ParameterError(message: "invalid parameter \"end\": end timestamp must not be before start time") }
            guard let step = try APIParameters.duration(request, "step") else {
                throw ParameterError(message: "invalid parameter \"step\": cannot parse \"\" to a valid duration")
            }
            guard step > 0 else {
                throw ParameterError(message: "invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer")
            }
            guard (end - start) / step <= Self.maxPoints else {
                throw ParameterError(message: "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
            }
            let engine = try engine(for: request)
            let result = try engine.rangeQuery(request.first("query") ?? "", start: start, end: end, step: step, storage: runtime.database)
            return Self.success(result)
        } catch let error as ParameterError {
            return error.response
        } catch let error as QueryError {
            return APIEnvelope.error(error)
        } catch {
            return APIEnvelope.error(.internal, "\(error)")
        }
    }

    /// The engine, with the request's `timeout` when it is shorter than `--query.timeout`.
    private func engine(for request: APIRequest) throws(ParameterError) -> Engine {
        guard let timeout = try APIParameters.duration(request, "timeout"), timeout < runtime.engine.options.timeout else {
            return runtime.engine
        }
        var options = runtime.engine.options
        options.timeout = timeout
        return Engine(options: options)
    }

    private static func success(_ result: QueryResult) -> APIResponse {
        APIEnvelope.success(
            result.value.prometheusJSON,
            warnings: result.annotations.filter { $0.severity == .warning }.map(\.message),
            infos: result.annotations.filter { $0.severity == .info }.map(\.message))
    }
}
