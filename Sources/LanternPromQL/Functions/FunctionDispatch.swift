import Glibc

extension Evaluator {
    func evaluateCall(_ call: Call, at time: Int64) throws(QueryError) -> EvalValue {
        let args = call.args
        switch call.function.name {
        case "time": return .scalar(Double(time) / 1000)
        case "pi": return .scalar(Double.pi)
        case "scalar":
            let elements = try vector(args[0], at: time)
            return .scalar(elements.count == 1 ? elements[0].value : .nan)
        case "vector":
            return .vector([VectorElement(labels: Labels(), timestamp: time, value: try scalar(args[0], at: time))])
        case "absent": return .vector(try absent(call, at: time))
        case "absent_over_time": return .vector(try absentOverTime(call, at: time))
        case "sort", "sort_desc": return .vector(try sort(call, at: time))
        case "timestamp": return .vector(try timestamps(args[0], at: time))
        case "label_replace": return .vector(try labelReplace(call, at: time))
        case "label_join": return .vector(try labelJoin(call, at: time))
        case "histogram_quantile": return .vector(try histogramQuantile(call, at: time))
        case "histogram_fraction": return .vector(try histogramFraction(call, at: time))
        case "histogram_avg", "histogram_count", "histogram_sum", "histogram_stddev", "histogram_stdvar":
            // These read native histograms only; float samples are ignored.
            _ = try vector(args[0], at: time)
            return .vector([])
        case "clamp", "clamp_min", "clamp_max": return .vector(try clamp(call, at: time))
        case "round": return .vector(try round(call, at: time))
        default:
            if let function = Evaluator.elementwise[call.function.name] {
                return .vector(try vector(args[0], at: time).map { element in
                    VectorElement(labels: element.labels, timestamp: time, value: function(element.value), dropsName: true, seriesID: element.seriesID)
                })
            }
            if let component = DateComponent(rawValue: call.function.name) {
                return .vector(try dateFunction(component, call, at: time))
            }
            return .vector(try rangeFunction(call, at: time))
        }
    }

    private func absent(_ call: Call, at time: Int64) throws(QueryError) -> [VectorElement] {
        guard try vector(call.args[0], at: time).isEmpty else { return [] }
        return [VectorElement(labels: Evaluator.absentLabels(call.args[0]), timestamp: time, value: 1)]
    }

    private func absentOverTime(_ call: Call, at time: Int64) throws(QueryError) -> [VectorElement] {
        guard try matrix(call.args[0], at: time).isEmpty else { return [] }
        return [VectorElement(labels: Evaluator.absentLabels(call.args[0]), timestamp: time, value: 1)]
    }

    /// absent()'s output labels: those fixed by `=` matchers, unless a name is matched twice.
    private static func absentLabels(_ expr: Expr) -> Labels {
        let matchers: [LabelMatcher]
        switch expr.unwrapped {
        case .vectorSelector(let selector): matchers = selector.matchers
        case .matrixSelector(let matrix): matchers = matrix.selector.matchers
        default: return Labels()
        }
        var labels = Labels()
        var repeated = Set<String>()
        for matcher in matchers where matcher.name != Labels.metricName {
            if matcher.kind == .equal && labels[matcher.name] == nil && !repeated.contains(matcher.name) {
                labels.set(matcher.name, matcher.value)
            } else {
                repeated.insert(matcher.name)
                labels.remove(matcher.name)
            }
        }
        return labels
    }

    private func sort(_ call: Call, at time: Int64) throws(QueryError) -> [VectorElement] {
        if isRangeQuery { annotate(.warning("sort is ineffective for range queries since results are always ordered by labels")) }
        let descending = call.function.name == "sort_desc"
        return try vector(call.args[0], at: time).sorted { a, b in
            if a.value.isNaN { return false }
            if b.value.isNaN { return true }
            return descending ? a.value > b.value : a.value < b.value
        }
    }

    /// timestamp(): a selector's samples keep their own times; anything else is "now".
    private func timestamps(_ arg: Expr, at time: Int64) throws(QueryError) -> [VectorElement] {
        try vector(arg, at: time).map { element in
            VectorElement(labels: element.labels, timestamp: time, value: Double(element.timestamp) / 1000, dropsName: true)
        }
    }

    private func clamp(_ call: Call, at time: Int64) throws(QueryError) -> [VectorElement] {
        let elements = try vector(call.args[0], at: time)
        var lower = -Double.infinity, upper = Double.infinity
        switch call.function.name {
        case "clamp":
            lower = try scalar(call.args[1], at: time)
            upper = try scalar(call.args[2], at: time)
            if upper < lower { return [] }
        case "clamp_min": lower = try scalar(call.args[1], at: time)
        default: upper = try scalar(call.args[1], at: time)
        }
        return elements.map { element in
            // Go's math.Max/Min: NaN in, NaN out.
            let value = element.value.isNaN || lower.isNaN || upper.isNaN ? .nan : Swift.max(lower, Swift.min(upper, element.value))
            return VectorElement(labels: element.labels, timestamp: time, value: value, dropsName: true)
        }
    }

    private func round(_ call: Call, at time: Int64) throws(QueryError) -> [VectorElement] {
        let elements = try vector(call.args[0], at: time)
        let nearest = call.args.count > 1 ? try scalar(call.args[1], at: time) : 1
        // Dividing by the inverse, as Prometheus does, keeps results like 0.1 exact.
        let inverse = 1 / nearest
        return elements.map { element in
            VectorElement(labels: element.labels, timestamp: time, value: floor(element.value * inverse + 0.5) / inverse, dropsName: true)
        }
    }

    static let elementwise: [String: @Sendable (Double) -> Double] = [
        "abs": { Swift.abs($0) }, "ceil": { Glibc.ceil($0) }, "floor": { Glibc.floor($0) },
        "exp": { Glibc.exp($0) }, "sqrt": { Glibc.sqrt($0) }, "ln": { Glibc.log($0) },
        "log2": { Glibc.log2($0) }, "log10": { Glibc.log10($0) },
        "sin": { Glibc.sin($0) }, "cos": { Glibc.cos($0) }, "tan": { Glibc.tan($0) },
        "asin": { Glibc.asin($0) }, "acos": { Glibc.acos($0) }, "atan": { Glibc.atan($0) },
        "sinh": { Glibc.sinh($0) }, "cosh": { Glibc.cosh($0) }, "tanh": { Glibc.tanh($0) },
        "asinh": { Glibc.asinh($0) }, "acosh": { Glibc.acosh($0) }, "atanh": { Glibc.atanh($0) },
        "deg": { $0 * 180 / Double.pi }, "rad": { $0 * Double.pi / 180 },
        "sgn": { $0 > 0 ? 1 : $0 < 0 ? -1 : $0 },
    ]
}
