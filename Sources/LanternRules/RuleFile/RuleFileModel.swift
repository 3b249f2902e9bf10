/// A rule file as written, before evaluation state exists: Prometheus' `rulefmt` groups.
public struct RuleFile: Sendable, Equatable {
    public var path: String
    public var groups: [RuleGroupSpec]
}

public struct RuleGroupSpec: Sendable, Equatable {
    public var name: String
    /// Milliseconds; nil means the global `evaluation_interval`.
    public var interval: Int64?
    /// Milliseconds; nil means no offset.
    public var queryOffset: Int64?
    /// 0 means unlimited.
    public var limit: Int
    public var labels: [String: String]
    public var rules: [RuleSpec]
}

public struct RuleSpec: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case recording(name: String)
        case alerting(name: String)
    }

    public var kind: Kind
    public var expression: String
    /// Milliseconds the condition must hold before firing (alerting only).
    public var holdDuration: Int64 = 0
    /// Milliseconds an alert keeps firing after its condition clears (alerting only).
    public var keepFiringFor: Int64 = 0
    public var labels: [String: String] = [:]
    public var annotations: [String: String] = [:]

    public var name: String {
        switch kind {
        case .recording(let name), .alerting(let name): return name
        }
    }
}
