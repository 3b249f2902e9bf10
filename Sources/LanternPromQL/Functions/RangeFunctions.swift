import LanternMetrics
import LanternSupport
import Glibc

extension Evaluator {
    /// The functions over a range vector, resolved once per call rather than by name per series.
    private enum RangeFunction: String {
        case rate, increase, delta, irate, idelta, deriv, predictLinear = "predict_linear", resets, changes
        case avgOverTime = "avg_over_time", sumOverTime = "sum_over_time", countOverTime = "count_over_time"
        case minOverTime = "min_over_time", maxOverTime = "max_over_time", lastOverTime = "last_over_time"
        case presentOverTime = "present_over_time", stddevOverTime = "stddev_over_time"
        case stdvarOverTime = "stdvar_over_time", quantileOverTime = "quantile_over_time"
    }

    /// Functions over a range vector: each series' points become one value.
    func rangeFunction(_ call: Call, at time: Int64) throws(QueryError) -> [VectorElement] {
        let name = call.function.name
        guard let function = RangeFunction(rawValue: name) else {
            // As before this engine knew the function: an error only once there is input.
            guard try matrix(call.args[0], at: time).isEmpty else { throw QueryError.execution("function \(name) is not implemented") }
            return []
        }
        let rangeArgument = function == .quantileOverTime ? call.args[1] : call.args[0]
        let series = try matrix(rangeArgument, at: time)
        let window = self.window(of: rangeArgument, at: time)
        var parameter = Double.nan
        if function == .quantileOverTime {
            parameter = try scalar(call.args[0], at: time)
            if !(0...1).contains(parameter) {
                annotate(.warning("quantile value should be between 0 and 1, got \(GoFloat.format(parameter))"))
            }
        } else if function == .predictLinear {
            parameter = try scalar(call.args[1], at: time)
        }
        var result: [VectorElement] = []
        result.reserveCapacity(series.count)
        for element in series {
            let points = element.points
            let values = points.lazy.map(\.value)
            let value: Double?
            switch function {
            case .rate, .increase, .delta:
                if function != .delta { noteIfNotCounter(element.labels) }
                value = Evaluator.extrapolatedDelta(points, window: window, isCounter: function != .delta, isRate: function == .rate)
            case .irate, .idelta: value = Evaluator.instantDelta(points, isRate: function == .irate)
            case .deriv: value = points.count < 2 ? nil : Evaluator.linearRegression(points, interceptTime: points.first!.timestamp).slope
            case .predictLinear:
                guard points.count >= 2 else { value = nil; break }
                let (slope, intercept) = Evaluator.linearRegression(points, interceptTime: time)
                value = slope * parameter + intercept
            case .resets: value = Double(zip(points, points.dropFirst()).filter { $1.value < $0.value }.count)
            case .changes:
                value = Double(zip(points, points.dropFirst()).filter { !($1.value == $0.value || ($1.value.isNaN && $0.value.isNaN)) }.count)
            case .avgOverTime: value = Evaluator.average(values)
            case .sumOverTime: value = KahanSum.of(values)
            case .countOverTime: value = Double(points.count)
            case .minOverTime: value = values.dropFirst().reduce(values.first!) { $0 > $1 || $0.isNaN ? $1 : $0 }
            case .maxOverTime: value = values.dropFirst().reduce(values.first!) { $0 < $1 || $0.isNaN ? $1 : $0 }
            case .lastOverTime: value = points.last!.value
            case .presentOverTime: value = 1
            case .stddevOverTime: value = sqrt(Evaluator.variance(values))
            case .stdvarOverTime: value = Evaluator.variance(values)
            case .quantileOverTime: value = Evaluator.quantile(parameter, Array(values))
            }
            guard let value else { continue }
            // last_over_time returns a sample as it was; everything else is a new quantity.
            result.append(VectorElement(labels: element.labels, timestamp: time, value: value,
                                        dropsName: function != .lastOverTime || element.dropsName, seriesID: element.seriesID))
        }
        return result
    }

    private func noteIfNotCounter(_ labels: Labels) {
        let name = labels.value(Labels.metricName)
        guard name != lastCheckedCounterName else { return }
        lastCheckedCounterName = name
        guard checkedCounterNames.insert(name).inserted else { return }
        if !["_total", "_sum", "_count", "_bucket"].contains(where: { name.hasSuffix($0) }) {
            annotate(.info("metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \(goQuote(name))"))
        }
    }

    /// rate/increase/delta with Prometheus's extrapolation: the change between the first
    /// and last sample (counter resets added back), extrapolated towards the window's ends
    /// when samples come close enough to them, never below a counter's zero.
    static func extrapolatedDelta(_ points: ArraySlice<Point>, window: (start: Int64, end: Int64), isCounter: Bool, isRate: Bool) -> Double? {
        guard points.count >= 2, let first = points.first, let last = points.last else { return nil }
        var delta = last.value - first.value
        if isCounter {
            var previous = first.value
            for point in points.dropFirst() {
                if point.value < previous { delta += previous }
                previous = point.value
            }
        }
        var durationToStart = Double(first.timestamp - window.start) / 1000
        var durationToEnd = Double(window.end - last.timestamp) / 1000
        let sampledInterval = Double(last.timestamp - first.timestamp) / 1000
        let averageInterval = sampledInterval / Double(points.count - 1)
        // Beyond 110% of the average spacing, assume the series starts or ends inside the
        // window and extrapolate half an interval only.
        let threshold = averageInterval * 1.1
        if durationToStart >= threshold { durationToStart = averageInterval / 2 }
        if isCounter && delta > 0 && first.value >= 0 {
            let durationToZero = sampledInterval * (first.value / delta)
            if durationToZero < durationToStart { durationToStart = durationToZero }
        }
        if durationToEnd >= threshold { durationToEnd = averageInterval / 2 }
        var factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval
        if isRate { factor /= Double(window.end - window.start) / 1000 }
        return delta * factor
    }

    /// irate/idelta: the last two samples only.
    static func instantDelta(_ points: ArraySlice<Point>, isRate: Bool) -> Double? {
        guard points.count >= 2 else { return nil }
        let last = points[points.endIndex - 1], previous = points[points.endIndex - 2]
        var delta = last.value - previous.value
        guard isRate else { return delta }
        // A counter reset: the counter restarted from zero.
        if last.value < previous.value { delta = last.value }
        let interval = last.timestamp - previous.timestamp
        guard interval > 0 else { return nil }
        return delta / (Double(interval) / 1000)
    }

    /// Least squares over (seconds since `interceptTime`, value), Kahan-summed.
    static func linearRegression(_ points: ArraySlice<Point>, interceptTime: Int64) -> (slope: Double, intercept: Double) {
        var sumX = KahanSum(), sumY = KahanSum(), sumXY = KahanSum(), sumX2 = KahanSum()
        let initial = points[points.startIndex].value
        var constant = true
        for point in points {
            if point.value != initial { constant = false }
            let x = Double(point.timestamp - interceptTime) / 1000
            sumX.add(x)
            sumY.add(point.value)
            sumXY.add(x * point.value)
            sumX2.add(x * x)
        }
        if constant { return initial.isInfinite ? (.nan, .nan) : (0, initial) }
        let n = Double(points.count)
        let covariance = sumXY.value - sumX.value * sumY.value / n
        let varianceX = sumX2.value - sumX.value * sumX.value / n
        let slope = covariance / varianceX
        return (slope, sumY.value / n - slope * sumX.value / n)
    }
}
