import Foundation

/// Instant queries against a Prometheus under test.
enum PrometheusQuery {
    /// Polls `query` until `accept` takes the first result's value (or 60 s pass).
    static func wait(port: Int, _ query: String, accept: (String?) -> Bool) throws -> String? {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        let deadline = Date().addingTimeInterval(60)
        var value: String?
        repeat {
            let reply = try HTTPClient.get(port: port, "/api/v1/query?query=\(encoded)")
            value = firstValue(reply.body)
            if accept(value) { return value }
            Thread.sleep(forTimeInterval: 0.5)
        } while Date() < deadline
        return value
    }

    /// `data.result[0].value[1]` of a Prometheus query response.
    private static func firstValue(_ body: Data) -> String? {
        guard let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let data = json["data"] as? [String: Any],
              let result = data["result"] as? [[String: Any]],
              let value = result.first?["value"] as? [Any] else { return nil }
        return value.last as? String
    }
}
