/// OpenMetrics 1.0.0 text, as client_golang's `expfmt.MetricFamilyToOpenMetrics` writes it
/// with the `WithUnit` and `WithCreatedLines` options, extended to the info and stateset
/// types, which client_golang does not produce.
public enum OpenMetricsEncoder {
    /// What promhttp sends for this format with the default name escaping.
    public static let contentType = "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores"

    /// Encodes all families and the closing `# EOF` line into a new buffer.
    public static func encode(_ families: [MetricFamily], nameEscaping: NameEscaping = .underscores) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(TextEncoder.estimatedSize(of: families) + 16)
        for family in families {
            encode(family, into: &buffer, nameEscaping: nameEscaping)
        }
        appendEndOfFile(to: &buffer)
        return buffer
    }

    /// The `# EOF` line OpenMetrics requires after the last family.
    public static func appendEndOfFile(to buffer: inout [UInt8]) {
        buffer.append("# EOF\n")
    }

    /// Appends one family (without `# EOF`). A family without series is skipped, as in
    /// the text encoder.
    public static func encode(_ family: MetricFamily, into buffer: inout [UInt8], nameEscaping: NameEscaping = .underscores) {
        guard !family.metrics.isEmpty, !family.name.isEmpty else { return }
        let writer = SampleLineWriter(escaping: nameEscaping, floatStyle: .openMetrics)
        let names = FamilyNames(family)

        writer.appendDescriptorLine(keyword: "HELP", name: names.descriptor, to: &buffer)
        appendEscaped(family.help, escapingQuotes: true, to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
        writer.appendDescriptorLine(keyword: "TYPE", name: names.descriptor, to: &buffer)
        buffer.append(contentsOf: names.typeKeyword.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if let unit = family.unit {
            writer.appendDescriptorLine(keyword: "UNIT", name: names.descriptor, to: &buffer)
            appendEscaped(unit, escapingQuotes: true, to: &buffer)
            buffer.append(UInt8(ascii: "\n"))
        }

        let sampleName = writer.seriesName(names.sample)
        switch family.type {
        case .counter:
            let createdName = writer.seriesName(names.descriptor, suffix: "_created")
            for metric in family.metrics {
                guard case .scalar(let value) = metric.value else { continue }
                writeSample(sampleName, metric, value: value, writer, &buffer)
                writeCreated(createdName, metric, writer, &buffer)
            }
        case .gauge, .untyped, .info, .stateset:
            for metric in family.metrics {
                guard case .scalar(let value) = metric.value else { continue }
                writeSample(sampleName, metric, value: value, writer, &buffer)
            }
        case .histogram, .summary:
            let series = ComplexSeriesNames(
                plain: sampleName,
                bucket: writer.seriesName(names.sample, suffix: "_bucket"),
                sum: writer.seriesName(names.sample, suffix: "_sum"),
                count: writer.seriesName(names.sample, suffix: "_count"),
                created: writer.seriesName(names.sample, suffix: "_created"))
            for metric in family.metrics {
                appendComplexSeries(metric, series, writer, &buffer)
            }
        }
    }

    /// The names one family is written under.
    private struct FamilyNames {
        /// On HELP, TYPE and UNIT, and before a counter's `_created`: without `_total`
        /// (counters) or `_info` (info), with the unit as suffix when a unit is set.
        let descriptor: String
        /// On the samples: the descriptor name plus `_total` or `_info` where it belongs.
        let sample: String
        let typeKeyword: String

        init(_ family: MetricFamily) {
            var base = family.name
            var sampleSuffix = ""
            var typeKeyword: String
            switch family.type {
            case .counter:
                // client_golang only strips an existing `_total`; a counter without it
                // is exposed as unknown rather than renamed.
                if base.hasSuffix("_total") {
                    base.removeLast(6)
                    sampleSuffix = "_total"
                    typeKeyword = "counter"
                } else {
                    typeKeyword = "unknown"
                }
            case .info:
                if base.hasSuffix("_info") { base.removeLast(5) }
                sampleSuffix = "_info"
                typeKeyword = "info"
            case .gauge: typeKeyword = "gauge"
            case .histogram: typeKeyword = "histogram"
            case .summary: typeKeyword = "summary"
            case .stateset: typeKeyword = "stateset"
            case .untyped: typeKeyword = "unknown"
            }
            if let unit = family.unit, !base.hasSuffix("_" + unit) {
                base += "_" + unit
            }
            descriptor = base
            sample = base + sampleSuffix
            self.typeKeyword = typeKeyword
        }
    }

    private struct ComplexSeriesNames {
        let plain, bucket, sum, count, created: SampleLineWriter.SeriesName
    }

    private static func appendComplexSeries(
        _ metric: Metric, _ names: ComplexSeriesNames, _ writer: SampleLineWriter, _ buffer: inout [UInt8]
    ) {
        switch metric.value {
        case .histogram(let histogram):
            var sawInfinity = false
            for bucket in histogram.buckets {
                writeCount(
                    names.bucket, metric, extraLabel: ("le", bucket.upperBound), count: bucket.cumulativeCount,
                    writer, &buffer)
                if bucket.upperBound == .infinity { sawInfinity = true }
            }
            if !sawInfinity {
                writeCount(names.bucket, metric, extraLabel: ("le", .infinity), count: histogram.count, writer, &buffer)
            }
            writeSample(names.sum, metric, value: histogram.sum, writer, &buffer)
            writeCount(names.count, metric, count: histogram.count, writer, &buffer)
        case .summary(let summary):
            for quantile in summary.quantiles {
                writeSample(
                    names.plain, metric, extraLabel: ("quantile", quantile.quantile), value: quantile.value,
                    writer, &buffer)
            }
            writeSample(names.sum, metric, value: summary.sum, writer, &buffer)
            writeCount(names.count, metric, count: summary.count, writer, &buffer)
        case .scalar:
            // A scalar in a histogram or summary family has no place in the format.
            return
        }
        writeCreated(names.created, metric, writer, &buffer)
    }

    private static func writeSample(
        _ name: SampleLineWriter.SeriesName, _ metric: Metric, extraLabel: (name: String, value: Double)? = nil,
        value: Double, _ writer: SampleLineWriter, _ buffer: inout [UInt8]
    ) {
        writer.appendSeries(name, labels: metric.labels, extraLabel: extraLabel, to: &buffer)
        GoFloat.appendOpenMetrics(value, to: &buffer)
        finishLine(metric, &buffer)
    }

    /// Bucket counts and `_count` are integers in OpenMetrics (unlike the 0.0.4 writer).
    private static func writeCount(
        _ name: SampleLineWriter.SeriesName, _ metric: Metric, extraLabel: (name: String, value: Double)? = nil,
        count: UInt64, _ writer: SampleLineWriter, _ buffer: inout [UInt8]
    ) {
        writer.appendSeries(name, labels: metric.labels, extraLabel: extraLabel, to: &buffer)
        GoFloat.appendDecimal(count, to: &buffer)
        finishLine(metric, &buffer)
    }

    /// `_created` in seconds; it never carries the sample timestamp.
    private static func writeCreated(
        _ name: SampleLineWriter.SeriesName, _ metric: Metric, _ writer: SampleLineWriter, _ buffer: inout [UInt8]
    ) {
        guard let created = metric.created else { return }
        writer.appendSeries(name, labels: metric.labels, to: &buffer)
        GoFloat.appendOpenMetrics(created, to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// Timestamps are seconds here: Go divides the milliseconds by 1000 as a float64.
    private static func finishLine(_ metric: Metric, _ buffer: inout [UInt8]) {
        if let timestamp = metric.timestampMilliseconds {
            buffer.append(UInt8(ascii: " "))
            GoFloat.appendOpenMetrics(Double(timestamp) / 1000, to: &buffer)
        }
        buffer.append(UInt8(ascii: "\n"))
    }
}
