/// A parsed Go text/template in the subset Prometheus rule files use: actions, pipelines,
/// variables, `if`/`else if`/`else`, `range`, `with`, and the functions of
/// `TemplateFunctions`. Anything else fails to parse with a message naming it.
public struct GoTemplate: Sendable {
    let nodes: [TemplateNodeBox]
    let name: String

    public init(_ text: String, name: String) throws(TemplateError) {
        let tokens = try TemplateLexer.tokenize(text, name: name)
        var parser = TemplateParser(tokens: tokens, name: name, functions: TemplateFunctions.names)
        nodes = try parser.parseTemplate().map(TemplateNodeBox.init)
        self.name = name
    }

    /// Prometheus' alert template expansion: `$labels`, `$externalLabels`, `$externalURL`
    /// and `$value` predeclared, `.Labels`, `.ExternalLabels`, `.ExternalURL`, `.Value`.
    public static func expandAlertText(
        _ text: String, ruleName: String, labels: [String: String], externalLabels: [String: String], externalURL: String, value: Double
    ) -> Result<String, TemplateError> {
        let data = TemplateValue.record([
            "Labels": .labels(labels), "ExternalLabels": .labels(externalLabels), "ExternalURL": .string(externalURL), "Value": .float(value),
        ])
        do {
            let template = try GoTemplate(text, name: "__alert_" + ruleName)
            var executor = TemplateExecutor(name: template.name, root: data)
            executor.declare("labels", .labels(labels))
            executor.declare("externalLabels", .labels(externalLabels))
            executor.declare("externalURL", .string(externalURL))
            executor.declare("value", .float(value))
            return .success(try executor.run(template.nodes.map(\.node)))
        } catch {
            return .failure(error)
        }
    }
}

/// The node tree is immutable after parsing; the box only makes that visible to Sendable.
struct TemplateNodeBox: @unchecked Sendable {
    let node: TemplateNode
}
