/// A rule file problem worded as Prometheus' rulefmt words it, so `check rules` output
/// reads like promtool's: `5:11: group "g", rule 1, "Foo": could not parse expression: ...`.
public struct RuleFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line and column of the offending YAML node; 0 when unknown.
    public var line: Int
    public var column: Int
    /// Where a second node is involved (`record` and `alert` both set).
    public var otherPosition: (line: Int, column: Int)?
    /// Group name and 1-based rule index, when the error concerns a rule.
    public var group: String?
    public var ruleIndex: Int?
    public var ruleName: String?
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public static func == (lhs: RuleFileError, rhs: RuleFileError) -> Bool { lhs.description == rhs.description }

    public var description: String {
        var prefix = ""
        if line > 0 { prefix = "\(line):\(column): " }
        if let other = otherPosition { prefix += "\(other.line):\(other.column): " }
        guard let group, let ruleIndex else { return prefix + message }
        return prefix + "group \"\(group)\", rule \(ruleIndex), \"\(ruleName ?? "")\": " + message
    }
}
