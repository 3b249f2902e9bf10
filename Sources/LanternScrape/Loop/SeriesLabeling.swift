import LanternMetrics
import LanternPromQL

/// The labels a scraped series is stored with, as Prometheus' `scrapeLoop` builds them:
/// the exposed labels (empty values dropped) and the metric name, the target's labels
/// merged in (`honor_labels`, or clashing exposed ones kept as `exported_<name>`), then
/// `metric_relabel_configs`. A loop's target and settings never change, so a series text
/// always yields the same labels: the scrape cache keeps only the text and the head's
/// reference, and derives the labels again on the rare paths that need them.
struct SeriesLabeling {
    let target: ScrapeTarget
    let settings: ScrapeSettings

    /// The labels of the sample the parser last returned; nil when relabeling dropped it.
    func labels(parser: ExpositionParser, sample: ExpositionSample) -> Labels? {
        var labels = Labels(parser.labels().filter { !$0.value.isEmpty })
        labels.set(Labels.metricName, parser.string(sample.nameRange))
        if settings.honorLabels {
            for label in target.labels.pairs where labels[label.name] == nil { labels.set(label.name, label.value) }
        } else {
            for label in target.labels.pairs {
                if let exposed = labels[label.name] {
                    // Prometheus keeps a clashing exposed label as exported_<name>.
                    var name = "exported_" + label.name
                    while labels[name] != nil { name = "exported_" + name }
                    labels.set(name, exposed)
                }
                labels.set(label.name, label.value)
            }
        }
        return Relabeler.process(labels, settings.metricRelabelConfigs)
    }

    /// The labels of a series text as a scrape exposed it (`name{label="value",...}`, the
    /// bytes the cache keeps). OpenMetrics writes series as the text format does, so one
    /// parser reads both. nil when relabeling dropped it (or the text is not a series,
    /// which a text the parser once accepted cannot be).
    func labels(ofSeriesText text: UnsafeRawBufferPointer) -> Labels? {
        var line = Array(text)
        line.append(contentsOf: " 0\n".utf8)
        var parser = ExpositionParser(bytes: line, format: .prometheusText)
        guard case .sample(let sample)? = try? parser.next() else { return nil }
        return labels(parser: parser, sample: sample)
    }
}
