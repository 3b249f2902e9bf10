import Foundation
import LanternPromQL
import LanternScrape

/// `/api/v1/targets` and `/api/v1/metadata`, from the scrape manager's pools.
struct TargetsEndpoints {
    let runtime: ServerRuntime

    func targets(_ request: APIRequest) async -> APIResponse {
        let pools = await runtime.manager.pools
        let state = request.first("state") ?? "any"
        var active: [String] = []
        var dropped: [String] = []
        for name in pools.keys.sorted() {
            let pool = pools[name]!
            let loops = pool.loops.values.sorted { $0.target.url < $1.target.url }
            for loop in loops {
                let status = loop.currentStatus
                let settings = loop.settings
                active.append(APIEnvelope.object([
                    ("discoveredLabels", PrometheusJSON.labels(loop.target.discoveredLabels)),
                    ("labels", PrometheusJSON.labels(loop.target.labels)),
                    ("scrapePool", PrometheusJSON.string(name)),
                    ("scrapeUrl", PrometheusJSON.string(loop.target.url)),
                    ("globalUrl", PrometheusJSON.string(loop.target.url)),
                    ("lastError", PrometheusJSON.string(status.lastError)),
                    ("lastScrape", PrometheusJSON.string(status.lastScrape == 0 ? "0001-01-01T00:00:00Z" : RFC3339.format(status.lastScrape))),
                    ("lastScrapeDuration", PrometheusJSON.float(status.lastScrapeDurationSeconds)),
                    ("health", PrometheusJSON.string(status.health.rawValue)),
                    ("scrapeInterval", PrometheusJSON.string(ModelDuration.format(settings.interval))),
                    ("scrapeTimeout", PrometheusJSON.string(ModelDuration.format(settings.timeout))),
                ]))
            }
            for labels in pool.dropped {
                dropped.append(APIEnvelope.object([("discoveredLabels", PrometheusJSON.labels(labels))]))
            }
        }
        let data = APIEnvelope.object([
            ("activeTargets", "[" + (state == "dropped" ? [] : active).joined(separator: ",") + "]"),
            ("droppedTargets", "[" + (state == "active" ? [] : dropped).joined(separator: ",") + "]"),
        ])
        return APIEnvelope.success(data)
    }

    func metadata(_ request: APIRequest) async -> APIResponse {
        let pools = await runtime.manager.pools
        var byName: [String: [MetricMetadata]] = [:]
        for pool in pools.values {
            for loop in pool.loops.values {
                for (name, entry) in loop.currentStatus.metadata where !(byName[name]?.contains(entry) ?? false) {
                    byName[name, default: []].append(entry)
                }
            }
        }
        if let metric = request.first("metric"), !metric.isEmpty { byName = byName.filter { $0.key == metric } }
        var names = byName.keys.sorted()
        if let limit = request.first("limit").flatMap(Int.init), limit >= 0 { names = Array(names.prefix(limit)) }
        let data = APIEnvelope.object(names.map { name in
            (name, "[" + byName[name]!.map { entry in
                APIEnvelope.object([
                    ("type", PrometheusJSON.string(entry.type)), ("help", PrometheusJSON.string(entry.help)),
                    ("unit", PrometheusJSON.string(entry.unit)),
                ])
            }.joined(separator: ",") + "]")
        })
        return APIEnvelope.success(data)
    }
}

enum RFC3339 {
    /// Go's `time.RFC3339Nano` for a UTC instant in milliseconds.
    static func format(_ milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
