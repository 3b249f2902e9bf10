import LanternMetrics
import LanternSupport

// What the textfile collector does with file contents, apart from files and logging
// (so that it can be fuzzed alone, see fuzz/): one file's bytes to families, then
// node_exporter's cross-file rules.

/// Why a textfile was not read; the text names the path, as node_exporter's errors do.
struct TextfileReadError: Error, CustomStringConvertible, Sendable {
    let description: String
}

/// A log line for the collector to emit at error level.
struct TextfileLogRecord: Sendable, Equatable {
    var message: String
    var metadata: [(key: String, value: String)]

    static func == (a: Self, b: Self) -> Bool {
        a.message == b.message && a.metadata.elementsEqual(b.metadata) { $0.key == $1.key && $0.value == $1.value }
    }
}

enum TextfileContent {
    /// Metric names a drop-in may not use: the collector's own families.
    static let reservedNames: Set<String> = ["node_textfile_mtime_seconds", "node_textfile_scrape_error", "lantern_textfile_file_error"]

    /// A file's families, checked and shaped the way node_exporter relays them.
    static func families(in bytes: [UInt8], file: String) throws(TextfileReadError) -> [TextfileFamily] {
        let format: ExpositionFormat = endsWithEOFMarker(bytes) ? .openMetrics : .prometheusText
        let parsed: [MetricFamily]
        do {
            parsed = try ExpositionParser.metricFamilies(in: bytes, format: format)
        } catch {
            throw TextfileReadError(description: "failed to parse textfile data from \(goQuote(file)): text format parsing error in \(error)")
        }
        if parsed.contains(where: { $0.metrics.contains { $0.timestampMilliseconds != nil } }) {
            throw TextfileReadError(description: "textfile \(goQuote(file)) contains unsupported client-side timestamps, skipping entire file")
        }
        return try parsed.map { (family) throws(TextfileReadError) in
            var family = family
            if format == .openMetrics { family.name = textFormatName(of: family) }
            try fillMissingLabels(&family, file: file)
            normalizeValues(&family)
            // Go's parser leaves an empty HELP unset: it gets the default text too.
            return TextfileFamily(family: family, help: family.help.isEmpty ? nil : family.help)
        }
    }

    /// An OpenMetrics file ends with the line `# EOF`; anything else is the text format.
    static func endsWithEOFMarker(_ bytes: [UInt8]) -> Bool {
        var end = bytes.endIndex
        if end > 0 && bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        let marker = Array("# EOF".utf8)
        guard end >= marker.count, bytes[(end - marker.count)..<end].elementsEqual(marker) else { return false }
        return end == marker.count || bytes[end - marker.count - 1] == UInt8(ascii: "\n")
    }

    /// OpenMetrics names a counter family without `_total` and an info family without
    /// `_info`; relayed in the text format, the series keep the names the file wrote.
    private static func textFormatName(of family: MetricFamily) -> String {
        switch family.type {
        case .counter where !family.name.hasSuffix("_total"): family.name + "_total"
        case .info where !family.name.hasSuffix("_info"): family.name + "_info"
        default: family.name
        }
    }

    /// node_exporter gives every series of a family (within one file) the union of the
    /// family's label names, with empty values where a series had none.
    ///
    /// Filling costs series × label names: a file of 800 000 series with one distinct
    /// label name each (16 MiB) would become 6 * 10^11 labels. Lantern refuses a family
    /// that filling would grow beyond `fillBudget(written:)` labels (node_exporter would
    /// try, and run out of memory).
    private static func fillMissingLabels(_ family: inout MetricFamily, file: String) throws(TextfileReadError) {
        var allNames: Set<String> = []
        var written = 0
        for metric in family.metrics {
            allNames.formUnion(metric.labels.map(\.name))
            written += metric.labels.count
        }
        let filled = family.metrics.count.multipliedReportingOverflow(by: allNames.count)
        guard !filled.overflow, filled.partialValue <= fillBudget(written: written) else {
            throw TextfileReadError(description: """
                textfile \(goQuote(file)): metric \(family.name) has \(family.metrics.count) series and \(allNames.count) label names \
                in all; giving every series every label name is too large, skipping entire file
                """)
        }
        for index in family.metrics.indices where family.metrics[index].labels.count < allNames.count {
            let present = Set(family.metrics[index].labels.map(\.name))
            family.metrics[index].labels += allNames.subtracting(present).map { Label($0, "") }
            family.metrics[index].labels.sort { $0.name.utf8Precedes($1.name) }
        }
    }

    /// Labels a family may have after filling: four times what the file wrote, and at
    /// least a million (a few tens of MiB), whatever the shape of the family.
    static func fillBudget(written: Int) -> Int {
        max(1_000_000, min(written, Int.max / 4) * 4)
    }

    /// node_exporter rebuilds histograms and summaries from maps: one bucket per bound
    /// and one value per quantile (the last one written wins), in ascending order.
    private static func normalizeValues(_ family: inout MetricFamily) {
        for index in family.metrics.indices {
            switch family.metrics[index].value {
            case .histogram(var histogram):
                var byBound: [Double: UInt64] = [:]
                for bucket in histogram.buckets { byBound[bucket.upperBound] = bucket.cumulativeCount }
                histogram.buckets = byBound.sorted { $0.key < $1.key }.map { .init(upperBound: $0.key, cumulativeCount: $0.value) }
                family.metrics[index].value = .histogram(histogram)
            case .summary(var summary):
                var byQuantile: [Double: Double] = [:]
                for quantile in summary.quantiles { byQuantile[quantile.quantile] = quantile.value }
                summary.quantiles = byQuantile.sorted { $0.key < $1.key }.map { .init(quantile: $0.key, value: $0.value) }
                family.metrics[index].value = .summary(summary)
            case .scalar:
                break
            }
        }
    }
}

/// One family read from one file; `help` is nil where the file gave none.
struct TextfileFamily: Sendable {
    var family: MetricFamily
    var help: String?
}

/// What one scrape of the textfile directories gathered, in file order.
struct TextfileScrape {
    var errored = false
    var modificationTimes: [String: Double] = [:]
    /// Files with anything not served (unreadable, unparsable, dropped or duplicate series).
    var failedFiles: Set<String> = []

    /// What to log, in order.
    private(set) var logRecords: [TextfileLogRecord] = []
    private var accepted: [(file: String, family: TextfileFamily)] = []
    /// Per metric name: the first HELP seen, and the first conflicting one once there is one.
    private var helpTexts: [String: (first: String, conflicting: String?)] = [:]
    private var filesByName: [String: [String]] = [:]

    mutating func fail(_ file: String, name: String, reason: String) {
        errored = true
        failedFiles.insert(file)
        // node_exporter logs the bare file name; the reason names the full path.
        logRecords.append(TextfileLogRecord(message: "failed to collect textfile data", metadata: [("file", name), ("err", reason)]))
    }

    /// node_exporter's HELP check: a family whose HELP differs from the first one seen
    /// for its name is dropped, and so is every later one once a conflict was seen.
    mutating func add(_ families: [TextfileFamily], from file: String) {
        for entry in families {
            let name = entry.family.name
            if TextfileContent.reservedNames.contains(name) {
                drop(file, "metric name is reserved for the textfile collector's own metrics", metric: name)
                continue
            }
            if let seen = helpTexts[name], (entry.help != nil && entry.help != seen.first) || seen.conflicting != nil {
                helpTexts[name] = (seen.first, entry.help ?? seen.conflicting)
                errored = true
                failedFiles.insert(file)
                logRecords.append(TextfileLogRecord(message: "inconsistent metric help text", metadata: [
                    ("metric", name), ("original_help_text", seen.first), ("new_help_text", entry.help ?? ""),
                    // node_exporter names the first file that had the metric.
                    ("file", filesByName[name]?.first ?? file),
                ]))
                continue
            }
            if let help = entry.help { helpTexts[name] = (help, nil) }
            filesByName[name, default: []].append(file)
            accepted.append((file, entry))
        }
    }

    /// Families joined by name, with the default HELP filled in. Beyond node_exporter
    /// (whose registry only logs these), a family of another type than the first of its
    /// name, or a series already collected, is dropped and sets the error.
    mutating func mergedFamilies() -> [MetricFamily] {
        var merged: [MetricFamily] = []
        var indexByName: [String: Int] = [:]
        var seriesSeen: [String: Set<[Label]>] = [:]
        // Built once per name: a metric in 10 000 files has a 10 000-path HELP text.
        var defaultHelps: [String: String] = [:]
        func defaultHelp(_ name: String) -> String {
            if let help = defaultHelps[name] { return help }
            let help = "Metric read from " + (filesByName[name] ?? []).joined(separator: ", ")
            defaultHelps[name] = help
            return help
        }
        for (file, entry) in accepted {
            var family = entry.family
            family.help = entry.help ?? defaultHelp(family.name)
            if let index = indexByName[family.name] {
                guard merged[index].type == family.type, merged[index].help == family.help else {
                    let what = merged[index].type == family.type ? "HELP" : "type \(family.type.rawValue)"
                    drop(file, "\(what) differs from the first file's \(merged[index].type.rawValue) family", metric: family.name)
                    continue
                }
            }
            var kept: [Metric] = []
            for metric in family.metrics {
                guard seriesSeen[family.name, default: []].insert(metric.labels).inserted else {
                    drop(file, "duplicate series \(Self.describe(metric.labels)) was collected before", metric: family.name)
                    continue
                }
                kept.append(metric)
            }
            if let index = indexByName[family.name] {
                merged[index].metrics += kept
            } else {
                family.metrics = kept
                indexByName[family.name] = merged.count
                merged.append(family)
            }
        }
        return merged.filter { !$0.metrics.isEmpty }
    }

    private mutating func drop(_ file: String, _ reason: String, metric: String) {
        errored = true
        failedFiles.insert(file)
        logRecords.append(TextfileLogRecord(message: "dropped textfile metric", metadata: [("file", file), ("metric", metric), ("err", reason)]))
    }

    private static func describe(_ labels: [Label]) -> String {
        "{" + labels.map { "\($0.name)=\(goQuote($0.value))" }.joined(separator: ",") + "}"
    }
}
