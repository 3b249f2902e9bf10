extension Evaluator {
    func labelReplace(_ call: Call, at time: Int64) throws(QueryError) -> [VectorElement] {
        let destination = try string(call.args[1], at: time)
        let replacement = try string(call.args[2], at: time)
        let source = try string(call.args[3], at: time)
        let pattern = try string(call.args[4], at: time)
        let regex: AnchoredRegex
        do {
            regex = try AnchoredRegex(pattern)
        } catch {
            throw QueryError.execution("invalid regular expression in label_replace(): \(pattern)")
        }
        guard Evaluator.isValidLabelName(destination) else {
            throw QueryError.execution("invalid destination label name in label_replace(): \(destination)")
        }
        return try vector(call.args[0], at: time).map { element in
            guard let captures = regex.captures(in: element.labels.value(source)) else { return element }
            var output = element
            output.labels.set(destination, captures.expand(replacement))
            if destination == Labels.metricName { output.dropsName = false }
            return output
        }
    }

    func labelJoin(_ call: Call, at time: Int64) throws(QueryError) -> [VectorElement] {
        let destination = try string(call.args[1], at: time)
        let separator = try string(call.args[2], at: time)
        var sources: [String] = []
        for arg in call.args.dropFirst(3) {
            let source = try string(arg, at: time)
            guard Evaluator.isValidLabelName(source) else {
                throw QueryError.execution("invalid source label name in label_join(): \(source)")
            }
            sources.append(source)
        }
        guard Evaluator.isValidLabelName(destination) else {
            throw QueryError.execution("invalid destination label name in label_join(): \(destination)")
        }
        return try vector(call.args[0], at: time).map { element in
            var output = element
            output.labels.set(destination, sources.map { element.labels.value($0) }.joined(separator: separator))
            if destination == Labels.metricName { output.dropsName = false }
            return output
        }
    }

    /// Prometheus 3 accepts any non-empty UTF-8 label name.
    static func isValidLabelName(_ name: String) -> Bool {
        !name.isEmpty && !name.unicodeScalars.contains("\u{FFFD}")
    }
}
