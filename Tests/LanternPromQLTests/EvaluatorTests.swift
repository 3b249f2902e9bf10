import LanternPromQL
import Testing

@Suite struct EvaluatorTests {
    private let minute: Int64 = 60_000

    /// A counter rising 1 per second, sampled every minute from 0 to 20m.
    private func counterStorage() -> MemoryStorage {
        let storage = MemoryStorage()
        let labels = Labels(["__name__": "requests_total", "job": "api"])
        for step in Int64(0)...20 { storage.append(labels, Point(step * minute, Double(step * 60))) }
        return storage
    }

    private func vector(_ query: String, at time: Int64, _ storage: MemoryStorage, options: EngineOptions = EngineOptions()) throws -> [Sample] {
        guard case .vector(let samples) = try Engine(options: options).instantQuery(query, at: time, storage: storage).value else {
            Issue.record("not a vector")
            return []
        }
        return samples
    }

    @Test func rateExtrapolatesToTheWindowStart() throws {
        let samples = try vector("rate(requests_total[5m])", at: 10 * minute, counterStorage())
        #expect(samples.map(\.value) == [1])
        #expect(samples.map(\.labels) == [Labels(["job": "api"])])
        #expect(try vector("increase(requests_total[5m])", at: 10 * minute, counterStorage()).map(\.value) == [300])
    }

    @Test func counterResetsAreAddedBack() throws {
        let storage = MemoryStorage()
        let labels = Labels(["__name__": "c_total"])
        for (index, value) in [10.0, 20, 5, 15].enumerated() { storage.append(labels, Point(Int64(index) * minute, value)) }
        #expect(try vector("resets(c_total[10m])", at: 3 * minute, storage).map(\.value) == [1])
        #expect(try vector("irate(c_total[10m])", at: 3 * minute, storage).map(\.value) == [10.0 / 60])
    }

    @Test func staleMarkerEndsASeriesAndLookbackIsFiveMinutes() throws {
        let storage = MemoryStorage()
        let labels = Labels(["__name__": "up"])
        storage.append(labels, Point(0, 1))
        storage.append(labels, Point(minute, StaleMarker.value))
        storage.append(labels, Point(10 * minute, 1))
        #expect(try vector("up", at: 30_000, storage).count == 1)
        #expect(try vector("up", at: 2 * minute, storage).isEmpty)
        #expect(try vector("up", at: 14 * minute, storage).count == 1)
        #expect(try vector("up", at: 15 * minute, storage).isEmpty, "lookback is left-open")
    }

    @Test func rangeQueryStepsAndSortsSeries() throws {
        let storage = counterStorage()
        storage.append(Labels(["__name__": "requests_total", "job": "a"]), Point(0, 5))
        let result = try Engine().rangeQuery("requests_total", start: 0, end: 2 * minute, step: minute, storage: storage)
        guard case .matrix(let series) = result.value else {
            Issue.record("not a matrix")
            return
        }
        #expect(series.map { $0.labels.value("job") } == ["a", "api"])
        #expect(series[0].points == [Point(0, 5), Point(minute, 5), Point(2 * minute, 5)])
        #expect(series[1].points.map(\.timestamp) == [0, minute, 2 * minute])
    }

    @Test func maxSamplesLimitsMemory() {
        var options = EngineOptions()
        options.maxSamples = 10
        #expect(throws: QueryError.tooManySamples) {
            _ = try Engine(options: options).instantQuery("sum_over_time(requests_total[20m])", at: 20 * minute, storage: counterStorage())
        }
        #expect(QueryError.tooManySamples.description == "query processing would load too many samples into memory in query execution")
    }

    @Test func timeoutStopsEvaluation() {
        var options = EngineOptions()
        options.timeout = -1
        #expect(throws: QueryError.timeout) {
            _ = try Engine(options: options).instantQuery("requests_total", at: 0, storage: counterStorage())
        }
    }

    @Test func manyToManyMatchingIsAnError() {
        let storage = MemoryStorage()
        storage.append(Labels(["__name__": "a", "x": "1", "y": "1"]), Point(0, 1))
        storage.append(Labels(["__name__": "b", "x": "1", "y": "1"]), Point(0, 1))
        storage.append(Labels(["__name__": "b", "x": "1", "y": "2"]), Point(0, 1))
        #expect {
            _ = try Engine().instantQuery("a + on(x) b", at: 0, storage: storage)
        } throws: { error in
            "\(error)".hasPrefix(#"found duplicate series for the match group {x="1"} on the right hand-side of the operation"#)
        }
        #expect(throws: QueryError.execution("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")) {
            _ = try Engine().instantQuery("b + on(x) a", at: 0, storage: storage)
        }
    }

    @Test func histogramQuantileFixesMonotonicityAndSaysSo() throws {
        let storage = MemoryStorage()
        for (le, count) in [("0.1", 10.0), ("0.5", 8), ("1", 20), ("+Inf", 20)] {
            storage.append(Labels(["__name__": "latency_bucket", "le": le]), Point(0, count))
        }
        let result = try Engine().instantQuery("histogram_quantile(0.5, latency_bucket)", at: 0, storage: storage)
        #expect(result.value == .vector([Sample(labels: Labels(), timestamp: 0, value: 0.1)]))
        #expect(result.annotations.map(\.severity) == [.info])
    }

    @Test func resultsEncodeAsPrometheusJSON() throws {
        let vector = QueryValue.vector([Sample(labels: Labels(["__name__": "up", "job": "<a>"]), timestamp: 1_435_781_451_781, value: 1e-7)])
        #expect(vector.prometheusJSON == #"{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"\u003ca\u003e"},"value":[1435781451.781,"1e-07"]}]}"#)
        let matrix = QueryValue.matrix([Series(labels: Labels(), points: [Point(1500, 1_000_000), Point(2000, .infinity)])])
        #expect(matrix.prometheusJSON == #"{"resultType":"matrix","result":[{"metric":{},"values":[[1.5,"1000000"],[2,"+Inf"]]}]}"#)
        #expect(QueryValue.scalar(timestamp: 0, value: .nan).prometheusJSON == #"{"resultType":"scalar","result":[0,"NaN"]}"#)
    }
}
