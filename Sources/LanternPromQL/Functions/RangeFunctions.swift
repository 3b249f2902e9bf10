import LanternMetrics
import LanternSupport
import Glibc

extension Evaluator {
    /// Functions over a range vector: each series' points become one value.
    func rangeFunction(_ call: Call, at time: Int64) throws(QueryError) -> [VectorElement] {
        let name = call.function.name
        let rangeArgument = name == "quantile_over_time" ? call.args[1] : call.args[0]
        let series = try matrix(rangeArgument, at: time)
        let window = self.window(of: rangeArgument, at: time)
        var parameter = Double.nan
        if name == "quantile_over_time" {
            parameter = try scalar(call.args[0], at: time)
            if !(0...1).contains(parameter) {
                annotate(.warning("quantile value should be between 0 and 1, got \(GoFloat.format(parameter))"))
            }
        } else if name == "predict_linear" {
            parameter = try scalar(call.args[1], at: time)
        }
        var result: [VectorElement] = []
        for element in series {
            let points = element.points
            let value: Double?
            switch name {
            case "rate", "increase", "delta":
                if name != "delta" { noteIfNotCounter(element.labels) }
                value = Evaluator.extrapolatedDelta(points, window: window, isCounter: name != "delta", isRate: name == "rate")
            case "irate", "idelta": value = Evaluator.instantDelta(points, isRate: name == "irate")
            case "deriv": value = points.count < 2 ? nil : Evaluator.linearRegression(points, interceptTime: points[0].timestamp).slope
            case "predict_linear":
                guard points.count >= 2 else { value = nil; break }
                let (slope, intercept) = Evaluator.linearRegression(points, interceptTime: time)
                value = slope * parameter + intercept
            case "resets": value = Double(zip(points, points.dropFirst()).filter { $1.value < $0.value }.count)
            case "changes":
                value = Double(zip(points, points.dropFirst()).filter { !($1.value == $0.value || ($1.value.isNaN && $0.value.isNaN)) }.count)
            case "avg_over_time": value = Evaluator.average(points.map(\.value))
            case "sum_over_time": value = KahanSum.of(points.map(\.value))
            case "count_over_time": value = Double(points.count)
            case "min_over_time": value = points.dropFirst().reduce(points[0].value) { $0 > $1.value || $0.isNaN ? $1.value : $0 }
            case "max_over_time": value = points.dropFirst().reduce(points[0].value) { $0 < $1.value || $0.isNaN ? $1.value : $0 }
            case "last_over_time": value = points[points.count - 1].value
            case "present_over_time": value = 1
            case "stddev_over_time": value = sqrt(Evaluator.variance(points.map(\.value)))
            case "stdvar_over_time": value = Evaluator.variance(points.map(\.value))
            case "quantile_over_time": value = Evaluator.quantile(parameter, points.map(\.value))
            default: throw QueryError.execution("function \(name) is not implemented")
            }
            guard let value else { continue }
            // last_over_time returns a sample as it was; everything else is a new quantity.
            result.append(VectorElement(labels: element.labels, timestamp: time, value: value, dropsName: name != "last_over_time" || element.dropsName))
        }
        return result
    }

    private func noteIfNotCounter(_ labels: Labels) {
        let name = labels.value(Labels.metricName)
        guard checkedCounterNames.insert(name).inserted else { return }
        if !["_total", "_sum", "_count", "_bucket"].contains(where: { name.hasSuffix($0) }) {
            annotate(.info("metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \(goQuote(name))"))
        }
    }

    /// rate/increase/delta with Prometheus's extrapolation: the change between the first
    /// and last sample (counter resets added back), extrapolated towards the window's ends
    /// when samples come close enough to them, never below a counter's zero.
    static func extrapolatedDelta(_ points: [Point], window: (start: Int64, end: Int64), isCounter: Bool, isRate: Bool) -> Double? {
        guard points.count >= 2 else { return nil }
        let first = points[0], last = points[points.count - 1]
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
    static func instantDelta(_ points: [Point], isRate: Bool) -> Double? {
        guard points.count >= 2 else { return nil }
        let last = points[points.count - 1], previous = points[points.count - 2]
        var delta = last.value - previous.value
        guard isRate else { return delta }
        // A counter reset: the counter restarted from zero.
        if last.value < previous.value { delta = last.value }
        let interval = last.timestamp - previous.timestamp
        guard interval > 0 else { return nil }
        return delta / (Double(interval) / 1000)
    }

    /// Least squares over (seconds since `interceptTime`, value), Kahan-summed.
    static func linearRegression(_ points: [Point], interceptTime: Int64) -> (slope: Double, intercept: Double) {
        var sumX = KahanSum(), sumY = KahanSum(), sumXY = KahanSum(), sumX2 = KahanSum()
        let initial = points[0].value
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
