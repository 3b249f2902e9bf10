import LanternPromQL

/// Prometheus' `populateLabels`: turns discovered groups into targets of one job.
public enum TargetBuilder {
    public struct Result: Sendable {
        public var active: [ScrapeTarget] = []
        /// Relabeled away; `/api/v1/targets` lists them with their discovered labels.
        public var dropped: [Labels] = []
        public var errors: [String] = []
    }

    public static func targets(from groups: [TargetGroup], settings: ScrapeSettings) -> Result {
        var result = Result()
        var seen = Set<Labels>()
        for group in groups {
            for address in group.targets {
                let discovered = discoveredLabels(address: address, group: group, settings: settings)
                do {
                    if let target = try ScrapeTarget.make(discovered: discovered, settings: settings) {
                        if seen.insert(target.labels).inserted { result.active.append(target) }
                    } else {
                        result.dropped.append(discovered)
                    }
                } catch {
                    result.errors.append("instance \(address) in group \(group.source): \(error)")
                }
            }
        }
        return result
    }

    /// Group labels, the address, and the job's settings as `__`-labels that relabeling may change.
    static func discoveredLabels(address: String, group: TargetGroup, settings: ScrapeSettings) -> Labels {
        var labels = Labels(group.labels)
        labels.set("__address__", address)
        let defaults = [
            ("job", settings.jobName), ("__metrics_path__", settings.metricsPath), ("__scheme__", settings.scheme),
            ("__scrape_interval__", ModelDuration.format(settings.interval)),
            ("__scrape_timeout__", ModelDuration.format(settings.timeout)),
        ]
        for (name, value) in defaults where labels.value(name).isEmpty { labels.set(name, value) }
        for (name, values) in settings.params where labels.value("__param_" + name).isEmpty {
            if let first = values.first { labels.set("__param_" + name, first) }
        }
        return labels
    }
}

/// Prometheus' `model.Duration.String()`: `1d`, `1h30m`, `15s`, `500ms`, `0s`.
public enum ModelDuration {
    public static func format(_ milliseconds: Int64) -> String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds
        var text = ""
        let units: [(String, Int64)] = [("y", 31_536_000_000), ("w", 604_800_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)]
        for (name, size) in units where rest >= size {
            text += "\(rest / size)\(name)"
            rest %= size
        }
        return text
    }
}
