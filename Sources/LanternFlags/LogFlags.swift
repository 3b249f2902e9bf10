/// The logging flags Prometheus' promslog/flag package adds to node_exporter and Prometheus.
public enum LogFlags {
    public static let levelFlagName = "log.level"
    public static let formatFlagName = "log.format"

    public static let flags: [Flag] = [
        Flag(levelFlagName,
             help: "Only log messages with the given severity or above. One of: [debug, info, warn, error]",
             kind: .oneOf(["debug", "info", "warn", "error"]), default: "info"),
        Flag(formatFlagName, help: "Output format of log messages. One of: [logfmt, json]",
             kind: .oneOf(["logfmt", "json"]), default: "logfmt"),
    ]
}
