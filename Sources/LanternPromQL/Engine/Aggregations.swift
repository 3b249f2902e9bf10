import Glibc
import LanternMetrics
import LanternSupport

extension Evaluator {
    func evaluateAggregation(_ aggregation: Aggregation, at time: Int64) throws(QueryError) -> [VectorElement] {
        var parameter = Double.nan
        var label = ""
        if let parameterExpr = aggregation.parameter {
            if aggregation.op == .countValues {
                label = try string(parameterExpr, at: time)
            } else {
                parameter = try scalar(parameterExpr, at: time)
            }
        }
        let input = try vector(aggregation.expr, at: time)
        switch aggregation.op {
        case .topk, .bottomk:
            if parameter.isNaN { throw QueryError.execution("Parameter value is NaN") }
            return selectK(aggregation, input, parameter)
        case .countValues:
            return try countValues(aggregation, input, label: label, at: time)
        case .quantile:
            if !(0...1).contains(parameter) {
                annotate(.warning("quantile value should be between 0 and 1, got \(GoFloat.format(parameter))"))
            }
        default:
            break
        }
        return groupingIndex(aggregation).partition(input, \.value).map { group in
            VectorElement(labels: group.key, timestamp: time, value: Evaluator.aggregate(aggregation.op, group.members, parameter: parameter))
        }
    }

    /// The query-wide group index of an aggregation's clause (shared by equal clauses).
    private func groupingIndex(_ aggregation: Aggregation) -> GroupingIndex {
        let clause = GroupingIndex.Clause(names: aggregation.grouping, without: aggregation.without)
        if let index = groupingIndexes[clause] { return index }
        let index = GroupingIndex(clause)
        groupingIndexes[clause] = index
        return index
    }

    private static func aggregate(_ op: AggregationOperator, _ values: [Double], parameter: Double) -> Double {
        switch op {
        case .sum: return KahanSum.of(values)
        case .avg: return average(values)
        case .count: return Double(values.count)
        case .group: return 1
        case .min: return values.dropFirst().reduce(values[0]) { current, value in current > value || current.isNaN ? value : current }
        case .max: return values.dropFirst().reduce(values[0]) { current, value in current < value || current.isNaN ? value : current }
        case .stddev: return sqrt(variance(values))
        case .stdvar: return variance(values)
        case .quantile: return quantile(parameter, values)
        case .topk, .bottomk, .countValues, .limitk, .limitRatio: return .nan
        }
    }

    /// Kahan-compensated mean that falls back to an incremental mean when the sum
    /// overflows, as Prometheus does, so huge values average without becoming Inf.
    static func average<Values: Collection<Double>>(_ values: Values) -> Double {
        var sum = KahanSum()
        var mean = 0.0
        var incremental = false
        for (index, value) in values.enumerated() {
            let count = Double(index + 1)
            if !incremental {
                var next = sum
                next.add(value)
                if !next.sum.isInfinite || index == 0 {
                    sum = next
                    continue
                }
                incremental = true
                mean = sum.sum / (count - 1)
                sum = KahanSum(sum: mean, compensation: sum.compensation / (count - 1))
            }
            if sum.sum.isInfinite {
                if value.isInfinite && (sum.sum > 0) == (value > 0) { continue }
                if !value.isInfinite && !value.isNaN { continue }
            }
            let current = sum.value
            sum.add(value / count - current / count)
        }
        return incremental ? sum.value : sum.value / Double(values.count)
    }

    /// Population variance by Welford's method.
    static func variance<Values: Collection<Double>>(_ values: Values) -> Double {
        var mean = 0.0, squares = 0.0
        for (index, value) in values.enumerated() {
            let delta = value - mean
            mean += delta / Double(index + 1)
            squares += delta * (value - mean)
        }
        return squares / Double(values.count)
    }

    /// Prometheus's `quantile`: linear interpolation between the closest ranks.
    static func quantile(_ q: Double, _ values: [Double]) -> Double {
        if values.isEmpty || q.isNaN { return .nan }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        let sorted = values.sorted { $0 < $1 || ($0.isNaN && !$1.isNaN) }
        let rank = q * Double(sorted.count - 1)
        let lower = max(0, rank.rounded(.down))
        let upper = min(Double(sorted.count - 1), lower + 1)
        let weight = rank - rank.rounded(.down)
        return sorted[Int(lower)] * (1 - weight) + sorted[Int(upper)] * weight
    }

    /// topk/bottomk: the k largest (smallest) elements per group, NaN last, keeping labels.
    private func selectK(_ aggregation: Aggregation, _ input: [VectorElement], _ parameter: Double) -> [VectorElement] {
        guard parameter >= 1 else { return [] }
        let k = parameter >= Double(Int.max) ? Int.max : Int(parameter)
        let top = aggregation.op == .topk
        let precedes = { (a: VectorElement, b: VectorElement) -> Bool in
            if a.value.isNaN { return false }
            if b.value.isNaN { return true }
            return top ? a.value > b.value : a.value < b.value
        }
        return groupingIndex(aggregation).partition(input, { $0 }).flatMap { group -> [VectorElement] in
            Evaluator.first(k, of: group.members, by: precedes)
        }
    }

    /// The first `k` of `elements` in a stable sort by `precedes` (ties keep input order).
    /// A small k is kept in a sorted buffer while scanning: topk over thousands of series
    /// at every step must not sort them all.
    static func first(_ k: Int, of elements: [VectorElement], by precedes: (VectorElement, VectorElement) -> Bool) -> [VectorElement] {
        guard k <= 64, k < elements.count else { return Array(elements.sorted(by: precedes).prefix(k)) }
        var best: [VectorElement] = []
        best.reserveCapacity(k + 1)
        for element in elements {
            if best.count == k, !precedes(element, best[k - 1]) { continue }
            var index = best.count
            while index > 0, precedes(element, best[index - 1]) { index -= 1 }
            best.insert(element, at: index)
            if best.count > k { best.removeLast() }
        }
        return best
    }

    private func countValues(_ aggregation: Aggregation, _ input: [VectorElement], label: String, at time: Int64) throws(QueryError) -> [VectorElement] {
        guard Evaluator.isValidLabelName(label) else {
            throw QueryError.execution("invalid label name \(goQuote(label))")
        }
        let groups = groupingIndex(aggregation)
        var counts: [Labels: Int] = [:]
        var order: [Labels] = []
        for element in input {
            let id = groups.id(of: element)
            var key = groups.keys[id]
            key.set(label, formatFixed(element.value))
            if counts[key] == nil { order.append(key) }
            counts[key, default: 0] += 1
        }
        return order.map { VectorElement(labels: $0, timestamp: time, value: Double(counts[$0]!)) }
    }
}

/// Neumaier-compensated summation, as Prometheus sums floats.
struct KahanSum {
    var sum = 0.0
    var compensation = 0.0

    var value: Double { sum + compensation }

    mutating func add(_ increment: Double) {
        let total = sum + increment
        if total.isInfinite {
            compensation = 0
        } else if abs(sum) >= abs(increment) {
            compensation += (sum - total) + increment
        } else {
            compensation += (increment - total) + sum
        }
        sum = total
    }

    static func of<Values: Sequence<Double>>(_ values: Values) -> Double {
        var kahan = KahanSum()
        for value in values { kahan.add(value) }
        return kahan.value
    }
}
