/// A non-fatal note about a query, returned next to the result as Prometheus does
/// (`warnings` and `infos` in the API's JSON).
public struct Annotation: Sendable, Hashable {
    public enum Severity: Sendable, Hashable { case warning, info }

    public let severity: Severity
    /// The message without the "PromQL warning: "/"PromQL info: " prefix.
    public let text: String

    /// The message as Prometheus prints it.
    public var message: String {
        (severity == .warning ? "PromQL warning: " : "PromQL info: ") + text
    }

    static func warning(_ text: String) -> Annotation { Annotation(severity: .warning, text: text) }
    static func info(_ text: String) -> Annotation { Annotation(severity: .info, text: text) }
}
