import LanternPromQL
import LanternMetrics

/// Prometheus' `relabel.Process`: applies rules in order; nil when a rule drops the set.
public enum Relabeler {
    public static func process(_ labels: Labels, _ configs: [RelabelConfig]) -> Labels? {
        var labels = labels
        for config in configs {
            guard apply(config, to: &labels) else { return nil }
        }
        return labels
    }

    /// Applies one rule; false when the label set is dropped.
    static func apply(_ config: RelabelConfig, to labels: inout Labels) -> Bool {
        let value = config.sourceLabels.map { labels.value($0) }.joined(separator: config.separator)
        switch config.action {
        case .drop:
            if config.regex.matches(value) { return false }
        case .keep:
            if !config.regex.matches(value) { return false }
        case .dropequal:
            if labels.value(config.targetLabel) == value { return false }
        case .keepequal:
            if labels.value(config.targetLabel) != value { return false }
        case .replace:
            guard let captures = config.regex.captures(in: value) else { break }
            // As in Prometheus, an invalid or empty result removes the label named by the
            // unexpanded `target_label`.
            let target = captures.expand(config.targetLabel)
            let replacement = captures.expand(config.replacement)
            guard LabelName.isValid(target), !replacement.isEmpty else {
                labels.remove(config.targetLabel)
                break
            }
            labels.set(target, replacement)
        case .lowercase:
            labels.set(config.targetLabel, value.lowercased())
        case .uppercase:
            labels.set(config.targetLabel, value.uppercased())
        case .hashmod:
            labels.set(config.targetLabel, String(hashModulus(value, config.modulus)))
        case .labelmap:
            for label in labels.pairs {
                guard let captures = config.regex.captures(in: label.name) else { continue }
                labels.set(captures.expand(config.replacement), label.value)
            }
        case .labeldrop:
            for label in labels.pairs where config.regex.matches(label.name) { labels.remove(label.name) }
        case .labelkeep:
            for label in labels.pairs where !config.regex.matches(label.name) { labels.remove(label.name) }
        }
        return true
    }

    /// Prometheus: the last 8 bytes of the value's MD5, big-endian, modulo `modulus`.
    static func hashModulus(_ value: String, _ modulus: UInt64) -> UInt64 {
        let digest = MD5.digest(Array(value.utf8))
        var number: UInt64 = 0
        for byte in digest[8..<16] { number = number << 8 | UInt64(byte) }
        return number % modulus
    }
}
