import Foundation
import LanternPromQL
import LanternScrape
import LanternTSDB

/// `/api/v1/status/*`.
struct StatusEndpoints {
    let runtime: ServerRuntime

    func config() -> APIResponse {
        APIEnvelope.success(APIEnvelope.object([("yaml", PrometheusJSON.string(runtime.currentConfig.sourceText))]))
    }

    func flags() -> APIResponse {
        let values = runtime.flagValues.sorted { $0.key < $1.key }
        return APIEnvelope.success(APIEnvelope.object(values.map { ($0.key, PrometheusJSON.string($0.value)) }))
    }

    /// Prometheus' keys, so Grafana reads it; Go-only fields get their nearest meaning.
    func runtimeInfo() -> APIResponse {
        let reload = runtime.reloadState
        let stats = runtime.database.stats
        return APIEnvelope.success(APIEnvelope.object([
            ("startTime", PrometheusJSON.string(RFC3339.format(runtime.startTime))),
            ("CWD", PrometheusJSON.string(FileManager.default.currentDirectoryPath)),
            ("reloadConfigSuccess", reload.success ? "true" : "false"),
            ("lastConfigTime", PrometheusJSON.string(RFC3339.format(reload.time))),
            ("corruptionCount", String(stats.walCorruptionsRepaired + stats.corruptChunksSkipped)),
            ("goroutineCount", "0"),
            ("GOMAXPROCS", String(ProcessInfo.processInfo.activeProcessorCount)),
            ("GOGC", "\"\""),
            ("GODEBUG", "\"\""),
            ("storageRetention", PrometheusJSON.string(runtime.retentionDescription)),
        ]))
    }

    /// Prometheus' keys and no `features` key: Grafana would otherwise take Lantern for Mimir.
    func buildInfo() -> APIResponse {
        APIEnvelope.success(APIEnvelope.object([
            ("version", PrometheusJSON.string(ServerVersion.version)),
            ("revision", PrometheusJSON.string(ServerVersion.revision)),
            ("branch", PrometheusJSON.string("")),
            ("buildUser", PrometheusJSON.string("")),
            ("buildDate", PrometheusJSON.string("")),
            ("goVersion", PrometheusJSON.string("swift" + ServerVersion.swiftVersion)),
        ]))
    }

    /// Head cardinality statistics, top 10 of each, as Prometheus computes them.
    func tsdb() -> APIResponse {
        let stats = runtime.database.stats
        var byMetric: [String: Int] = [:]
        var valuesByName: [String: Set<String>] = [:]
        var bytesByName: [String: Int] = [:]
        var byPair: [String: Int] = [:]
        var labelPairs = Set<String>()
        if stats.headSeries > 0, let querier = try? runtime.database.querier(mint: stats.headMinTime, maxt: stats.headMaxTime) {
            defer { querier.close() }
            if let matcher = try? LabelMatcher(.regexMatch, Labels.metricName, ".+"),
               var set = try? querier.select([matcher], hints: SelectHints(start: stats.headMinTime, end: stats.headMaxTime)) {
                while let series = try? set.next() {
                    for label in series.labels.pairs {
                        if label.name == Labels.metricName { byMetric[label.value, default: 0] += 1 }
                        let pair = label.name + "=" + label.value
                        byPair[pair, default: 0] += 1
                        if labelPairs.insert(pair).inserted { bytesByName[label.name, default: 0] += label.value.utf8.count }
                        valuesByName[label.name, default: []].insert(label.value)
                    }
                }
            }
        }
        func top(_ counts: [String: Int]) -> String {
            let sorted = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(10)
            return "[" + sorted.map { APIEnvelope.object([("name", PrometheusJSON.string($0.key)), ("value", String($0.value))]) }.joined(separator: ",") + "]"
        }
        let head = APIEnvelope.object([
            ("numSeries", String(stats.headSeries)),
            ("numLabelPairs", String(labelPairs.count)),
            ("chunkCount", String(stats.headChunks)),
            ("minTime", String(stats.headSeries > 0 ? stats.headMinTime : Int64.max)),
            ("maxTime", String(stats.headSeries > 0 ? stats.headMaxTime : Int64.min)),
        ])
        return APIEnvelope.success(APIEnvelope.object([
            ("headStats", head),
            ("seriesCountByMetricName", top(byMetric)),
            ("labelValueCountByLabelName", top(valuesByName.mapValues(\.count))),
            ("memoryInBytesByLabelName", top(bytesByName)),
            ("seriesCountByLabelValuePair", top(byPair)),
        ]))
    }
}
