@testable import LanternPromQL
import Testing

/// A range query reads each selector once and keeps, for instant selectors, only the
/// samples its steps see; aggregations keep their groups across steps. Every step of a
/// range query must still equal the instant query at that time.
@Suite struct RangeEvaluationTests {
    private let second: Int64 = 1000

    /// Irregular samples (gaps, a stale marker, a counter reset), series appearing late.
    private func storage() -> MemoryStorage {
        let storage = MemoryStorage()
        for instance in 0..<4 {
            for mode in ["idle", "user"] {
                let labels = Labels(["__name__": "cpu_total", "instance": "i\(instance)", "mode": mode])
                var value = Double(instance)
                var time = Int64(instance) * 7 * second
                while time < 400 * second {
                    value = time == 200 * second && instance == 1 ? 0 : value + Double(instance + 1)
                    storage.append(labels, Point(time, time == 150 * second && instance == 2 ? StaleMarker.value : value))
                    time += Int64(3 + instance * 4) * second
                }
            }
            storage.append(Labels(["__name__": "queue", "instance": "i\(instance)"]), Point(Int64(instance) * 90 * second, Double(instance)))
        }
        return storage
    }

    private static let queries = [
        "cpu_total", "cpu_total offset 20s", "cpu_total @ 100", "timestamp(cpu_total)", "queue",
        "sum by (mode) (cpu_total)", "sum without (mode) (rate(cpu_total[1m]))", "count by (__name__) ({__name__=~\"cpu.+\"})",
        "topk(2, cpu_total)", "avg by (instance) (avg_over_time(cpu_total[45s]))", "max by (instance) (irate(cpu_total[30s]))",
        "sum by (instance) (increase(cpu_total[2m])) / sum by (instance) (increase(cpu_total[2m]) > 0)",
        "cpu_total - cpu_total offset 20s", "count_values without (mode) (\"v\", queue)", "quantile by (mode) (0.5, cpu_total)",
        "sum by (mode) (rate(cpu_total{instance=~\"i1|i2\"}[1m]))", "max_over_time(cpu_total[1m:10s])",
    ]

    /// Options evaluating every range query on one thread, or splitting every one of
    /// two or more steps over two.
    private static func options(helperThread: Bool) -> EngineOptions {
        var options = EngineOptions()
        options.helperThreadWork = helperThread ? 0 : .max
        return options
    }

    @Test(arguments: queries, [false, true])
    func rangeStepsEqualInstantQueries(_ query: String, helperThread: Bool) throws {
        let storage = storage()
        let (start, end, step) = (Int64(30) * second, Int64(420) * second, Int64(13) * second)
        let engine = Engine(options: RangeEvaluationTests.options(helperThread: helperThread))
        guard case .matrix(let series) = try engine.rangeQuery(query, start: start, end: end, step: step, storage: storage).value else {
            Issue.record("not a matrix")
            return
        }
        var expected: [Labels: [Point]] = [:]
        for time in stride(from: start, through: end, by: Int(step)) {
            guard case .vector(let samples) = try Engine().instantQuery(query, at: time, storage: storage).value else {
                Issue.record("not a vector")
                return
            }
            for sample in samples { expected[sample.labels, default: []].append(Point(time, sample.value)) }
        }
        #expect(series.count == expected.count)
        for element in series {
            let want = expected[element.labels] ?? []
            #expect(element.points.count == want.count, "\(element.labels)")
            for (got, wanted) in zip(element.points, want) {
                #expect(got.timestamp == wanted.timestamp && got.value.bitPattern == wanted.value.bitPattern, "\(element.labels) at \(got.timestamp)")
            }
        }
    }

    /// With its steps split over two threads a range query answers as in one: the same
    /// bytes, annotations, and errors, the sample limit included: for every limit up to the
    /// one it needs, the query fails (or not) as it does on one thread, with the first
    /// half's output counted while the second half runs.
    @Test(arguments: ["cpu_total", "sum by (mode) (rate(cpu_total[1m]))", "max_over_time(cpu_total[1m:10s])",
                      "rate(queue[2m])", "cpu_total / on(instance) group_left queue"])
    func aHelperThreadChangesNoAnswer(_ query: String) throws {
        let storage = storage()
        let (start, end, step) = (Int64(30) * second, Int64(420) * second, Int64(13) * second)
        func outcome(helperThread: Bool, maxSamples: Int) -> String {
            var options = RangeEvaluationTests.options(helperThread: helperThread)
            options.maxSamples = maxSamples
            do {
                let result = try Engine(options: options).rangeQuery(query, start: start, end: end, step: step, storage: storage)
                return result.value.prometheusJSON + " " + result.annotations.map(\.message).joined(separator: "; ")
            } catch {
                return "error: \(error)"
            }
        }
        var maxSamples = 0
        var failed = 0
        while true {
            let single = outcome(helperThread: false, maxSamples: maxSamples)
            #expect(outcome(helperThread: true, maxSamples: maxSamples) == single, "max samples \(maxSamples)")
            guard single.hasPrefix("error: ") else { break }
            #expect(single == "error: \(QueryError.tooManySamples)")
            failed += 1
            maxSamples += 1
        }
        #expect(failed > 0, "the sample limit never failed the query")
    }

    /// topk's scan keeps what the full (stable) sort's prefix would: ties in input order, NaN last.
    @Test func firstKEqualsTheSortedPrefix() {
        var generator = SystemRandomNumberGenerator()
        let values: [Double] = [1, 2, 2, 3, .nan, -1, .infinity, 0, 2, .nan, 3]
        for round in 0..<200 {
            let elements = (0..<Int.random(in: 0...40, using: &generator)).map { index in
                VectorElement(labels: Labels(["i": "\(index)"]), timestamp: 0, value: values.randomElement(using: &generator)!)
            }
            for descending in [true, false] {
                let precedes = { (a: VectorElement, b: VectorElement) -> Bool in
                    if a.value.isNaN { return false }
                    if b.value.isNaN { return true }
                    return descending ? a.value > b.value : a.value < b.value
                }
                let k = round % 12 + 1
                let expected = Array(elements.sorted(by: precedes).prefix(k)).map(\.labels)
                #expect(Evaluator.first(k, of: elements, by: precedes).map(\.labels) == expected)
            }
        }
    }

    @Test func readTimesFindTheStepsInAHalfOpenInterval() {
        let steps = SelectedSeries.ReadTimes(first: 100, step: 10, last: 150)
        #expect(steps.anyRead(from: 100, before: 101))
        #expect(!steps.anyRead(from: 101, before: 110))
        #expect(steps.anyRead(from: 101, before: 111))
        #expect(steps.anyRead(from: 0, before: 101))
        #expect(!steps.anyRead(from: 0, before: 100))
        #expect(steps.anyRead(from: 150, before: .max))
        #expect(!steps.anyRead(from: 151, before: .max))
        let once = SelectedSeries.ReadTimes(first: 100, step: 0, last: 100)
        #expect(once.anyRead(from: 50, before: 101))
        #expect(!once.anyRead(from: 101, before: .max))
        #expect(!once.anyRead(from: 50, before: 100))
    }
}
