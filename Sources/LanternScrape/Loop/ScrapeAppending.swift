import LanternMetrics
import LanternPromQL
import LanternTSDB

/// The counts a scrape reports through its synthetic series.
struct AppendOutcome {
    var scraped = 0
    var postRelabeling = 0
    var seriesAdded = 0
    var error: String?
}

/// Turns one scrape body into appended samples, as Prometheus' `scrapeLoop.append` does:
/// target labels merged (honor_labels), metric relabeling, sample_limit, out-of-order and
/// duplicate samples skipped and counted, stale markers for series that vanished.
struct ScrapeAppending {
    let target: ScrapeTarget
    let settings: ScrapeSettings
    let cache: ScrapeCache

    func append(body: [UInt8], format: ExpositionFormat, timestamp: Int64, to appender: Appender) throws -> AppendOutcome {
        var outcome = AppendOutcome()
        var parser = ExpositionParser(bytes: body, format: format)
        var seenNow = Set<Labels>()
        cache.beginRound()
        do {
            while let entry = try parser.next() {
                switch entry {
                case .help(let name, let text): cache.noteHelp(name, text)
                case .type(let name, let type): cache.noteType(name, type.rawValue)
                case .unit(let name, let unit): cache.noteUnit(name, unit)
                case .endOfInput: break
                case .sample(let sample):
                    outcome.scraped += 1
                    let key = Array(body[sample.seriesRange])
                    let labels: Labels?
                    if let entry = cache.lookup(key) {
                        labels = entry.labels
                    } else {
                        labels = finalLabels(parser: parser, sample: sample)
                        cache.store(key, labels: labels)
                    }
                    guard let labels else { continue }
                    outcome.postRelabeling += 1
                    if settings.sampleLimit > 0 && outcome.postRelabeling > settings.sampleLimit { continue }
                    var sampleTime = timestamp
                    if settings.honorTimestamps, let explicit = sample.timestampMilliseconds {
                        sampleTime = explicit
                    } else {
                        seenNow.insert(labels)
                    }
                    if cache.noteSeries(labels) { outcome.seriesAdded += 1 }
                    try appendSkippingRejected(appender, labels, sampleTime, sample.value)
                }
            }
        } catch let error as LanternMetrics.ParseError {
            outcome.error = "\(error)"
        }
        if outcome.error == nil, settings.sampleLimit > 0, outcome.postRelabeling > settings.sampleLimit {
            outcome.error = "sample limit exceeded"
        }
        if outcome.error != nil {
            // A failed scrape stores nothing of the body and ends every series, like an empty one.
            appender.rollback()
            seenNow = []
        }
        for labels in cache.staleCandidates where !seenNow.contains(labels) {
            try appendSkippingRejected(appender, labels, timestamp, StaleMarker.value)
        }
        cache.staleCandidates = seenNow
        if outcome.error == nil { cache.endRound() }
        return outcome
    }

    /// The series' labels after merging the target's and metric relabeling; nil when dropped.
    private func finalLabels(parser: ExpositionParser, sample: ExpositionSample) -> Labels? {
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
}

/// Out-of-order and duplicate samples are skipped (the TSDB counts them); only storage
/// failures abort the scrape.
func appendSkippingRejected(_ appender: Appender, _ labels: Labels, _ timestamp: Int64, _ value: Double) throws {
    do {
        try appender.append(labels: labels, timestampMilliseconds: timestamp, value: value)
    } catch is AppendError {
        return
    }
}
