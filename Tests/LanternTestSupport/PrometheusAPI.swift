import Foundation

/// Reading a Prometheus-style HTTP API (lantern-server's or Prometheus') with curl.
extension TestSupport {
    /// GET `path` and decode its JSON; nil while the server is not answering.
    public static func json(port: Int, _ path: String) -> [String: Any]? {
        guard let result = try? run("/usr/bin/curl", ["-sfg", "--max-time", "5", "http://127.0.0.1:\(port)\(path)"]), result.status == 0 else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(result.output.utf8))) as? [String: Any]
    }

    /// `/api/v1/targets`' active targets by their `job` label (one target per job); nil while
    /// the server is not answering.
    public static func activeTargetsByJob(port: Int) -> [String: [String: Any]]? {
        guard let reply = json(port: port, "/api/v1/targets"),
              let active = (reply["data"] as? [String: Any])?["activeTargets"] as? [[String: Any]] else { return nil }
        var byJob: [String: [String: Any]] = [:]
        for target in active { byJob[(target["labels"] as? [String: String])?["job"] ?? ""] = target }
        return byJob
    }

    /// The vector result of an instant query.
    public static func vector(port: Int, _ query: String) -> [[String: Any]]? {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        guard let reply = json(port: port, "/api/v1/query?query=\(encoded)"),
              let data = reply["data"] as? [String: Any] else { return nil }
        return data["result"] as? [[String: Any]]
    }

    /// The JSON's shape: keys and value types, arrays by their first element.
    public static func shape(_ value: Any) -> String {
        switch value {
        case let dictionary as [String: Any]:
            return "{" + dictionary.keys.sorted().map { "\($0):\(shape(dictionary[$0]!))" }.joined(separator: ",") + "}"
        case let array as [Any]:
            return "[" + (array.first.map(shape) ?? "") + "]"
        case is String: return "string"
        case is NSNumber: return "number"
        default: return "\(type(of: value))"
        }
    }
}
