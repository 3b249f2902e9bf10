import LanternPromQL

/// One alert of an alerting rule: a label set the rule's expression returned, and where it
/// is in Prometheus' inactive -> pending -> firing life. Times are milliseconds.
public struct Alert: Sendable, Equatable {
    public enum State: String, Sendable, Comparable {
        case inactive, pending, firing

        public static func < (lhs: State, rhs: State) -> Bool { lhs.rank < rhs.rank }
        private var rank: Int { self == .inactive ? 0 : (self == .pending ? 1 : 2) }
    }

    public var state: State
    public var labels: Labels
    public var annotations: [String: String]
    public var value: Double
    public var activeAt: Int64
    public var firedAt: Int64?
    public var resolvedAt: Int64?
    public var lastSentAt: Int64?
    /// The `endsAt` Alertmanager was told while the alert fires.
    public var validUntil: Int64 = 0
    /// When the expression stopped returning the alert while `keep_firing_for` holds it.
    public var keepFiringSince: Int64?

    /// Prometheus' `needsSending`: firing or resolved alerts, again after the resend delay,
    /// and at once after a resolution.
    func needsSending(at time: Int64, resendDelay: Int64) -> Bool {
        if state == .pending { return false }
        if let resolvedAt, resolvedAt > (lastSentAt ?? Int64.min) { return true }
        return (lastSentAt ?? Int64.min / 2) + resendDelay < time
    }
}
