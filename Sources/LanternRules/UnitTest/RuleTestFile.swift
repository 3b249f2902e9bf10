import LanternPromQL
import Yams

/// promtool's rule unit test file (`promtool test rules`), read strictly as promtool's
/// `yaml.UnmarshalStrict` reads it. Durations are milliseconds.
struct RuleTestFile {
    struct TestGroup {
        var name = ""
        /// Spacing of `input_series` samples; the file's evaluation interval when unset.
        var interval: Int64?
        var inputSeries: [(series: String, values: String)] = []
        var alertTests: [AlertTest] = []
        var expressionTests: [ExpressionTest] = []
        var externalLabels: [String: String] = [:]
        var externalURL = ""

        var maxEvalTime: Int64 { (alertTests.map(\.evalTime) + expressionTests.map(\.evalTime)).max() ?? 0 }
    }

    struct AlertTest {
        var evalTime: Int64
        var alertname: String
        var expected: [(labels: [String: String], annotations: [String: String])]
    }

    struct ExpressionTest {
        var expression: String
        var evalTime: Int64
        var expected: [(labels: String, value: Double)]
    }

    var ruleFiles: [String] = []
    var evaluationInterval: Int64 = 60_000
    var groupEvalOrder: [String] = []
    var tests: [TestGroup] = []

    init(yaml text: String) throws {
        guard let root = try Yams.compose(yaml: text) else { return }
        let top = try StrictMapping(root, type: "main.unitTestFile", allowed: ["rule_files", "evaluation_interval", "group_eval_order", "tests"])
        ruleFiles = try top["rule_files"].map(RuleFileParser.sequence)?.map(RuleFileParser.scalar) ?? []
        if let interval = try top["evaluation_interval"].map(RuleFileParser.duration), interval > 0 { evaluationInterval = interval }
        groupEvalOrder = try top["group_eval_order"].map(RuleFileParser.sequence)?.map(RuleFileParser.scalar) ?? []
        tests = try (top["tests"].map(RuleFileParser.sequence) ?? []).map(Self.testGroup)
    }

    private static func testGroup(_ node: Node) throws -> TestGroup {
        let fields = try StrictMapping(node, type: "main.testGroup", allowed: [
            "interval", "input_series", "alert_rule_test", "promql_expr_test", "external_labels", "external_url", "name",
        ])
        var group = TestGroup()
        group.name = try fields["name"].map(RuleFileParser.scalar) ?? ""
        group.interval = try fields["interval"].map(RuleFileParser.duration).flatMap { $0 > 0 ? $0 : nil }
        group.externalLabels = try fields["external_labels"].map(RuleFileParser.stringMap) ?? [:]
        group.externalURL = try fields["external_url"].map(RuleFileParser.scalar) ?? ""
        for series in try fields["input_series"].map(RuleFileParser.sequence) ?? [] {
            let seriesFields = try StrictMapping(series, type: "main.series", allowed: ["series", "values"])
            group.inputSeries.append((try seriesFields["series"].map(RuleFileParser.scalar) ?? "", try seriesFields["values"].map(RuleFileParser.scalar) ?? ""))
        }
        for test in try fields["alert_rule_test"].map(RuleFileParser.sequence) ?? [] {
            let testFields = try StrictMapping(test, type: "main.alertTestCase", allowed: ["eval_time", "alertname", "exp_alerts"])
            var alertTest = AlertTest(
                evalTime: try testFields["eval_time"].map(RuleFileParser.duration) ?? 0,
                alertname: try testFields["alertname"].map(RuleFileParser.scalar) ?? "", expected: [])
            for expected in try testFields["exp_alerts"].map(RuleFileParser.sequence) ?? [] {
                let alertFields = try StrictMapping(expected, type: "main.alert", allowed: ["exp_labels", "exp_annotations"])
                alertTest.expected.append((
                    try alertFields["exp_labels"].map(RuleFileParser.stringMap) ?? [:], try alertFields["exp_annotations"].map(RuleFileParser.stringMap) ?? [:]))
            }
            group.alertTests.append(alertTest)
        }
        for test in try fields["promql_expr_test"].map(RuleFileParser.sequence) ?? [] {
            let testFields = try StrictMapping(test, type: "main.promqlTestCase", allowed: ["expr", "eval_time", "exp_samples"])
            var expressionTest = ExpressionTest(
                expression: try testFields["expr"].map(RuleFileParser.scalar) ?? "",
                evalTime: try testFields["eval_time"].map(RuleFileParser.duration) ?? 0, expected: [])
            for sample in try testFields["exp_samples"].map(RuleFileParser.sequence) ?? [] {
                let sampleFields = try StrictMapping(sample, type: "main.sample", allowed: ["labels", "value"])
                let valueText = try sampleFields["value"].map(RuleFileParser.scalar) ?? "0"
                guard let value = SeriesNotation.parseNumber(valueText) else {
                    throw RuleFileParser.decodingError(sampleFields["value"]!, "cannot unmarshal !!str `\(valueText)` into float64")
                }
                expressionTest.expected.append((try sampleFields["labels"].map(RuleFileParser.scalar) ?? "", value))
            }
            group.expressionTests.append(expressionTest)
        }
        return group
    }
}
