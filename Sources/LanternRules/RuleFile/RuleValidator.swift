import LanternPromQL
import LanternScrape
import Yams

/// One rule's fields and the checks of rulefmt's `RuleNode.Validate`, in its order.
enum RuleValidator {
    static let keys: Set<String> = ["record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"]

    static func parse(_ node: Node) throws -> (RuleSpec, [RuleFileError]) {
        let fields = try StrictMapping(node, type: "rulefmt.RuleNode", allowed: keys)
        let record = try fields["record"].map(RuleFileParser.scalar) ?? ""
        let alert = try fields["alert"].map(RuleFileParser.scalar) ?? ""
        let expression = try fields["expr"].map(RuleFileParser.scalar) ?? ""
        var rule = RuleSpec(kind: alert.isEmpty ? .recording(name: record) : .alerting(name: alert), expression: expression)
        rule.holdDuration = try fields["for"].map(RuleFileParser.duration) ?? 0
        rule.keepFiringFor = try fields["keep_firing_for"].map(RuleFileParser.duration) ?? 0
        rule.labels = try fields["labels"].map(RuleFileParser.stringMap) ?? [:]
        rule.annotations = try fields["annotations"].map(RuleFileParser.stringMap) ?? [:]

        var problems: [RuleFileError] = []
        func problem(_ at: Node?, _ message: String) {
            problems.append(RuleFileError(line: at.map(RuleFileParser.line) ?? 0, column: at.map(RuleFileParser.column) ?? 0, message: message))
        }
        if !record.isEmpty && !alert.isEmpty {
            var both = RuleFileError(line: RuleFileParser.line(fields["record"]!), column: RuleFileParser.column(fields["record"]!), message: "only one of 'record' and 'alert' must be set")
            both.otherPosition = (RuleFileParser.line(fields["alert"]!), RuleFileParser.column(fields["alert"]!))
            problems.append(both)
        }
        if record.isEmpty && alert.isEmpty { problem(nil, "one of 'record' or 'alert' must be set") }
        if expression.isEmpty {
            problem(fields["expr"], "field 'expr' must be set in rule")
        } else {
            do { _ = try Engine().parse(expression) } catch { problem(fields["expr"], "could not parse expression: \(error)") }
        }
        if !record.isEmpty {
            if fields["annotations"] != nil && !rule.annotations.isEmpty { problem(fields["annotations"], "invalid field 'annotations' in recording rule") }
            if rule.holdDuration != 0 { problem(fields["for"], "invalid field 'for' in recording rule") }
            if rule.keepFiringFor != 0 { problem(fields["keep_firing_for"], "invalid field 'keep_firing_for' in recording rule") }
            if !MetricName.isValid(record) { problem(fields["record"], "invalid recording rule name: \(record)") }
        }
        for name in rule.labels.keys.sorted() where !LabelName.isValid(name) || name == Labels.metricName {
            problem(nil, "invalid label name: \(name)")
        }
        for name in rule.annotations.keys.sorted() where !LabelName.isValid(name) {
            problem(nil, "invalid annotation name: \(name)")
        }
        if !alert.isEmpty {
            for (kind, values) in [("label", rule.labels), ("annotation", rule.annotations)] {
                for name in values.keys.sorted() {
                    do { _ = try GoTemplate(values[name]!, name: "__alert_" + alert) } catch { problem(nil, "\(kind) \"\(name)\": \(error)") }
                }
            }
        }
        return (rule, problems)
    }
}

/// Prometheus' legacy metric name rule: `[a-zA-Z_:][a-zA-Z0-9_:]*`.
enum MetricName {
    static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == ":" || LabelName.isValid(String(first)) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == ":" || LabelName.isValid("_" + String($0)) }
    }
}
