import LanternPromQL

/// Prometheus' API envelope and error types.
enum APIEnvelope {
    enum ErrorType: String {
        case badData = "bad_data"
        case execution
        case timeout
        case canceled
        case `internal`
        case unavailable
    }

    static func success(_ data: String, warnings: [String] = [], infos: [String] = []) -> APIResponse {
        var json = "{\"status\":\"success\",\"data\":\(data)"
        if !warnings.isEmpty { json += ",\"warnings\":[" + warnings.map(PrometheusJSON.string).joined(separator: ",") + "]" }
        if !infos.isEmpty { json += ",\"infos\":[" + infos.map(PrometheusJSON.string).joined(separator: ",") + "]" }
        return .json(json + "}")
    }

    static func error(_ type: ErrorType, _ message: String) -> APIResponse {
        let status = switch type {
        case .badData: 400
        case .execution: 422
        case .timeout, .canceled: 503
        // Prometheus 2.42's respondError has no case for `unavailable`: its default, 500.
        case .internal, .unavailable: 500
        }
        return .json("{\"status\":\"error\",\"errorType\":\"\(type.rawValue)\",\"error\":\(PrometheusJSON.string(message))}", status: status)
    }

    /// A query's error; a parse error names the `query` parameter, as Prometheus' invalidParamError does.
    static func error(_ error: QueryError) -> APIResponse {
        switch error {
        case .parse(let message): return self.error(.badData, "invalid parameter \"query\": \(message)")
        case .execution, .tooManySamples: return self.error(.execution, error.description)
        case .timeout: return self.error(.timeout, error.description)
        case .cancelled: return self.error(.canceled, error.description)
        }
    }

    static func stringArray(_ values: [String]) -> String { "[" + values.map(PrometheusJSON.string).joined(separator: ",") + "]" }

    static func object(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { PrometheusJSON.string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }
}

/// A parameter that failed to parse, worded as Prometheus words it.
struct ParameterError: Error {
    let message: String
    var response: APIResponse { APIEnvelope.error(.badData, message) }
}
