/// One command-line flag, declared the way kingpin declares it: a dotted long name,
/// a help text, a default, and a value kind.
public struct Flag: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// `--name` / `--no-name` (and `--name=true|false`).
        case bool
        case string
        case int
        /// kingpin v2's duration: Go syntax (`10s`, `1m30s`, `500ms`, `1.5h`) plus `d` and `w` units.
        case duration
        /// Prometheus' `model.Duration` (`1y2w3d`, `90m`, `500ms`): integer units, largest first.
        case modelDuration
        /// One of the listed values.
        case oneOf([String])
    }

    public let name: String
    public let help: String
    public let kind: Kind
    /// The default in its command-line spelling; nil means no default (empty).
    public let defaultValue: String?
    /// May be given several times; every value is kept (kingpin `.Strings()`).
    public let repeatable: Bool
    /// Shown in `--help` as `--name=PLACEHOLDER`; derived from the kind when nil.
    public let placeholder: String?
    /// Left out of `--help` (kingpin `.Hidden()`).
    public let hidden: Bool
    /// Single-letter short form, such as `h` for `--help`.
    public let short: Character?

    public init(
        _ name: String, help: String, kind: Kind = .string, default defaultValue: String? = nil,
        repeatable: Bool = false, placeholder: String? = nil, hidden: Bool = false, short: Character? = nil
    ) {
        self.name = name
        self.help = help
        self.kind = kind
        self.defaultValue = defaultValue
        self.repeatable = repeatable
        self.placeholder = placeholder
        self.hidden = hidden
        self.short = short
    }
}
