import LanternFlags
import LanternPromQL
import LanternRules

/// Prometheus 2.42's rule and notifier flags, with its names, defaults and help.
enum RuleFlags {
    static let outageTolerance = Flag(
        "rules.alert.for-outage-tolerance", help: "Max time to tolerate prometheus outage for restoring \"for\" state of alert.",
        kind: .modelDuration, default: "1h")
    static let gracePeriod = Flag(
        "rules.alert.for-grace-period",
        help: "Minimum duration between alert and restored \"for\" state. This is maintained only for alerts with configured \"for\" time greater than grace period.",
        kind: .modelDuration, default: "10m")
    static let resendDelay = Flag(
        "rules.alert.resend-delay", help: "Minimum amount of time to wait before resending an alert to Alertmanager.", kind: .modelDuration, default: "1m")
    static let queueCapacity = Flag(
        "alertmanager.notification-queue-capacity", help: "The capacity of the queue for pending Alertmanager notifications.", kind: .int, default: "10000")

    static let flags = [outageTolerance, gracePeriod, resendDelay, queueCapacity]

    static func managerOptions(_ flags: ParsedFlags) throws -> RuleManager.Options {
        var options = RuleManager.Options()
        options.outageTolerance = try parseModelDuration(flags.string(outageTolerance.name))
        options.gracePeriod = try parseModelDuration(flags.string(gracePeriod.name))
        return options
    }
}
