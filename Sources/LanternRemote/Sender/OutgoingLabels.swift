import LanternPromQL
import LanternScrape

/// What a series is called at the receiver: `external_labels` added where the series has
/// no label of that name, then `write_relabel_configs` (Prometheus' order). Labels stay
/// sorted by name, as remote write requires.
struct OutgoingLabels: Sendable {
    var externalLabels: [String: String]
    var relabelConfigs: [RelabelConfig]

    /// nil when relabeling drops the series or leaves no labels.
    func apply(_ labels: Labels) -> Labels? {
        var result = labels
        for (name, value) in externalLabels where result[name] == nil { result.set(name, value) }
        guard let relabeled = Relabeler.process(result, relabelConfigs), !relabeled.isEmpty else { return nil }
        return relabeled
    }
}
