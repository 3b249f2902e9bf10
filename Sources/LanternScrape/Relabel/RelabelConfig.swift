import LanternPromQL

/// One rule of `relabel_configs` / `metric_relabel_configs`, with Prometheus' defaults
/// (separator `;`, regex `(.*)`, replacement `$1`, action `replace`).
public struct RelabelConfig: Sendable {
    public enum Action: String, Sendable, CaseIterable {
        case replace, keep, drop, keepequal, dropequal, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase
    }

    public var action: Action
    public var sourceLabels: [String]
    public var separator: String
    public var targetLabel: String
    public var regex: AnchoredRegex
    public var modulus: UInt64
    public var replacement: String

    public static let defaultRegex = "(.*)"

    public init(
        action: Action = .replace, sourceLabels: [String] = [], separator: String = ";", targetLabel: String = "",
        regex: AnchoredRegex? = nil, modulus: UInt64 = 0, replacement: String = "$1"
    ) {
        self.action = action
        self.sourceLabels = sourceLabels
        self.separator = separator
        self.targetLabel = targetLabel
        // The default pattern always compiles.
        self.regex = regex ?? (try! AnchoredRegex(Self.defaultRegex))
        self.modulus = modulus
        self.replacement = replacement
    }

    /// Prometheus' `relabel.Config.Validate`: the combinations each action requires.
    /// Returns the error text Prometheus prints, or nil.
    public func validationError() -> String? {
        if action == .hashmod && modulus == 0 { return "relabel configuration for hashmod requires non-zero modulus" }
        let needsTarget: Set<Action> = [.replace, .hashmod, .lowercase, .uppercase, .keepequal, .dropequal]
        if needsTarget.contains(action) && targetLabel.isEmpty {
            return "relabel configuration for \(action.rawValue) action requires 'target_label' value"
        }
        if [.replace, .lowercase, .uppercase].contains(action) && !Self.isValidTargetTemplate(targetLabel) {
            return "\"\(targetLabel)\" is invalid 'target_label' for \(action.rawValue) action"
        }
        if [.lowercase, .uppercase, .keepequal, .dropequal, .hashmod].contains(action) && !LabelName.isValid(targetLabel) {
            return "\"\(targetLabel)\" is invalid 'target_label' for \(action.rawValue) action"
        }
        if [.keepequal, .dropequal].contains(action) {
            if regex.pattern != Self.defaultRegex || modulus != 0 || separator != ";" || replacement != "$1" {
                return "\(action.rawValue) action requires only 'source_labels' and `target_label`, and no other fields"
            }
        }
        if action == .labelmap && !Self.isValidTargetTemplate(replacement) {
            return "\"\(replacement)\" is invalid 'replacement' for \(action.rawValue) action"
        }
        if [.labeldrop, .labelkeep].contains(action) && (!sourceLabels.isEmpty || !targetLabel.isEmpty || modulus != 0 || separator != ";" || replacement != "$1") {
            return "\(action.rawValue) action requires only 'regex', and no other fields"
        }
        return nil
    }

    /// A label name that may contain `$1`-style references (Prometheus' relabelTarget regex).
    private static func isValidTargetTemplate(_ text: String) -> Bool {
        var index = text.unicodeScalars.startIndex
        let scalars = text.unicodeScalars
        var first = true
        while index < scalars.endIndex {
            let c = scalars[index]
            if c == "$" {
                index = scalars.index(after: index)
                guard index < scalars.endIndex else { return false }
                if scalars[index] == "{" {
                    guard let close = scalars[index...].firstIndex(of: "}") else { return false }
                    index = scalars.index(after: close)
                } else {
                    while index < scalars.endIndex, LabelName.isContinuation(scalars[index]) { index = scalars.index(after: index) }
                }
                first = false
                continue
            }
            guard first ? LabelName.isStart(c) : LabelName.isContinuation(c) else { return false }
            first = false
            index = scalars.index(after: index)
        }
        return true
    }
}

/// Prometheus' legacy label name rule: `[a-zA-Z_][a-zA-Z0-9_]*`.
public enum LabelName {
    static func isStart(_ c: Unicode.Scalar) -> Bool { c == "_" || ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
    static func isContinuation(_ c: Unicode.Scalar) -> Bool { isStart(c) || ("0"..."9").contains(c) }

    public static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isStart(first) else { return false }
        return name.unicodeScalars.allSatisfy(isContinuation)
    }
}
