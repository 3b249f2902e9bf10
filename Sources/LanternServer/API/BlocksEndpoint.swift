import LanternPromQL

/// `/api/v1/status/tsdb/blocks`: the loaded blocks' metadata, in the shape Prometheus 3.6
/// added for its status page (Prometheus 2.42 has no such endpoint).
struct BlocksEndpoint {
    let runtime: ServerRuntime

    func blocks() -> APIResponse {
        let blocks = runtime.database.blockMetas.sorted { $0.minTime < $1.minTime }.map { meta in
            APIEnvelope.object([
                ("ulid", PrometheusJSON.string(meta.ulid)),
                ("minTime", String(meta.minTime)),
                ("maxTime", String(meta.maxTime)),
                ("stats", APIEnvelope.object([
                    ("numSamples", String(meta.numSamples)), ("numSeries", String(meta.numSeries)), ("numChunks", String(meta.numChunks)),
                ])),
                ("compaction", APIEnvelope.object([("level", String(meta.level)), ("sources", APIEnvelope.stringArray(meta.sources))])),
                ("version", "1"),
            ])
        }
        return APIEnvelope.success(APIEnvelope.object([("blocks", "[" + blocks.joined(separator: ",") + "]")]))
    }
}
