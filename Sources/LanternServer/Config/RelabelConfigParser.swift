import LanternPromQL
import LanternScrape

/// `relabel_configs` / `metric_relabel_configs` entries, validated like Prometheus' relabel.Config.
enum RelabelConfigParser {
    static func parseList(_ value: YAMLValue?) throws(ConfigError) -> [RelabelConfig] {
        var configs: [RelabelConfig] = []
        for entry in try value?.sequence() ?? [] { configs.append(try parse(entry)) }
        return configs
    }

    static func parse(_ value: YAMLValue) throws(ConfigError) -> RelabelConfig {
        let fields = try value.mapping(allowed: ["source_labels", "separator", "target_label", "regex", "modulus", "replacement", "action"])
        var config = RelabelConfig()
        if let action = fields["action"] {
            let name = try action.string().lowercased()
            guard let parsed = RelabelConfig.Action(rawValue: name) else { throw action.error("unknown relabel action \(goQuoted(name))") }
            config.action = parsed
        }
        if let sources = fields["source_labels"] {
            config.sourceLabels = try sources.strings()
            for (index, name) in config.sourceLabels.enumerated() where !LabelName.isValid(name) {
                throw ConfigError(path: sources.path + "[\(index)]", line: sources.line, message: "\(goQuoted(name)) is not a valid label name")
            }
        }
        if let separator = fields["separator"] { config.separator = try separator.string() }
        if let target = fields["target_label"] { config.targetLabel = try target.string() }
        if let replacement = fields["replacement"] { config.replacement = try replacement.string() }
        if let modulus = fields["modulus"] {
            guard let number = UInt64(try modulus.string()) else { throw modulus.error("modulus must be a non-negative integer") }
            config.modulus = number
        }
        if let regex = fields["regex"] {
            do { config.regex = try AnchoredRegex(try regex.string()) } catch let error as RegexError {
                throw regex.error("\(error)")
            } catch { throw regex.error("\(error)") }
        }
        if let problem = config.validationError() { throw value.error(problem) }
        return config
    }
}
