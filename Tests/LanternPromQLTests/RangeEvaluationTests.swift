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

    @Test(arguments: queries)
    func rangeStepsEqualInstantQueries(_ query: String) throws {
        let storage = storage()
        let (start, end, step) = (Int64(30) * second, Int64(420) * second, Int64(13) * second)
        guard case .matrix(let series) = try Engine().rangeQuery(query, start: start, end: end, step: step, storage: storage).value else {
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
