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

/// Turns one scrape body into queued samples, as Prometheus' `scrapeLoop.append` does:
/// target labels merged (honor_labels), metric relabeling, sample_limit, stale markers for
/// series that vanished. A known series costs a hash of its text and a queued sample that
/// carries the head's reference; out-of-order and duplicate samples are refused (and
/// counted) by the commit.
struct ScrapeAppending {
    let cache: ScrapeCache
    private var settings: ScrapeSettings { cache.labeling.settings }

    func append(body: [UInt8], format: ExpositionFormat, timestamp: Int64, to appender: Appender) -> AppendOutcome {
        var outcome = AppendOutcome()
        cache.beginRound()
        do {
            try body.withUnsafeBytes { raw in
                var parser = ExpositionParser(bytes: body, format: format)
                while let entry = try parser.next() {
                    switch entry {
                    case .help(let name, let text): cache.noteHelp(name, text)
                    case .type(let name, let type): cache.noteType(name, type.rawValue)
                    case .unit(let name, let unit): cache.noteUnit(name, unit)
                    case .endOfInput: break
                    case .sample(let sample):
                        outcome.scraped += 1
                        let key = UnsafeRawBufferPointer(rebasing: raw[sample.seriesRange])
                        let hash = ScrapeCache.hash(key)
                        let found = cache.lookup(key, hash: hash)
                        // Labels are built once per new series text and then live in the head only.
                        let newLabels = found == nil ? cache.labeling.labels(parser: parser, sample: sample) : nil
                        let index = found ?? cache.store(key, hash: hash, dropped: newLabels == nil)
                        let reference = cache.reference(of: index)
                        guard reference != ScrapeCache.dropped else { continue }
                        outcome.postRelabeling += 1
                        if settings.sampleLimit > 0 && outcome.postRelabeling > settings.sampleLimit { continue }
                        var sampleTime = timestamp
                        if settings.honorTimestamps, let explicit = sample.timestampMilliseconds {
                            sampleTime = explicit
                        } else {
                            cache.track(index)
                        }
                        if found == nil { outcome.seriesAdded += 1 }
                        appender.append(reference: reference, labels: newLabels, timestampMilliseconds: sampleTime, value: sample.value, tag: index)
                    }
                }
            }
        } catch {
            // Only the parser throws here.
            outcome.error = "\(error)"
        }
        if outcome.error == nil, settings.sampleLimit > 0, outcome.postRelabeling > settings.sampleLimit {
            outcome.error = "sample limit exceeded"
        }
        // A failed scrape stores nothing of the body and ends every series, like an empty one.
        if outcome.error != nil { appender.rollback() }
        cache.appendStaleMarkers(for: cache.roundEnded(succeeded: outcome.error == nil), at: timestamp, to: appender)
        return outcome
    }

    /// Commits the scrape's batch, then lets the cache adopt the references the commit
    /// resolved (by entry index, so before any entry moves) and forget the series a good
    /// scrape no longer exposed. An empty body (a failed request) keeps the cache, as
    /// Prometheus does.
    func commit(_ appender: Appender, outcome: AppendOutcome, bodyWasEmpty: Bool) throws {
        defer {
            if outcome.error == nil && !bodyWasEmpty {
                cache.forgetUnseen()
                cache.releaseSlack()
            }
        }
        try appender.commit(labelsOfTag: cache.labels(of:))
        for (index, reference) in appender.resolvedReferences { cache.setReference(reference, of: index) }
    }
}
