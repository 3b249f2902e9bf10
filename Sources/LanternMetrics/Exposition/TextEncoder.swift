/// The Prometheus text format 0.0.4, byte for byte as client_golang's
/// `expfmt.MetricFamilyToText` writes it. Families and series are written in the order
/// given (the registry sorts them).
public enum TextEncoder {
    /// What promhttp sends for this format with the default name escaping.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"

    /// Encodes all families into a new buffer.
    public static func encode(_ families: [MetricFamily], nameEscaping: NameEscaping = .underscores) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(estimatedSize(of: families))
        for family in families {
            encode(family, into: &buffer, nameEscaping: nameEscaping)
        }
        return buffer
    }

    /// Appends one family. A family without series is skipped: client_golang refuses
    /// to encode it, and its gatherer never produces one.
    public static func encode(_ family: MetricFamily, into buffer: inout [UInt8], nameEscaping: NameEscaping = .underscores) {
        guard !family.metrics.isEmpty, !family.name.isEmpty else { return }
        let writer = SampleLineWriter(escaping: nameEscaping, floatStyle: .prometheusText)

        // client_golang always sets Help (possibly empty), so HELP is always written,
        // with the space before the text even when the text is empty.
        writer.appendDescriptorLine(keyword: "HELP", name: family.name, to: &buffer)
        appendEscaped(family.help, escapingQuotes: false, to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
        writer.appendDescriptorLine(keyword: "TYPE", name: family.name, to: &buffer)
        buffer.append(contentsOf: typeName(family.type).utf8)
        buffer.append(UInt8(ascii: "\n"))

        let plainName = writer.seriesName(family.name)
        switch family.type {
        case .histogram, .summary:
            let bucketName = writer.seriesName(family.name, suffix: "_bucket")
            let sumName = writer.seriesName(family.name, suffix: "_sum")
            let countName = writer.seriesName(family.name, suffix: "_count")
            for metric in family.metrics {
                appendComplexSeries(
                    metric, plainName: plainName, bucketName: bucketName, sumName: sumName, countName: countName,
                    writer: writer, to: &buffer)
            }
        case .counter, .gauge, .untyped, .info, .stateset:
            for metric in family.metrics {
                guard case .scalar(let value) = metric.value else { continue }
                writeSample(plainName, metric.labels, value: value, timestamp: metric.timestampMilliseconds, writer, &buffer)
            }
        }
    }

    /// The TYPE keyword; info and stateset do not exist in 0.0.4 and become gauges.
    static func typeName(_ type: MetricType) -> String {
        switch type {
        case .counter: return "counter"
        case .gauge, .info, .stateset: return "gauge"
        case .histogram: return "histogram"
        case .summary: return "summary"
        case .untyped: return "untyped"
        }
    }

    private static func appendComplexSeries(
        _ metric: Metric, plainName: SampleLineWriter.SeriesName, bucketName: SampleLineWriter.SeriesName,
        sumName: SampleLineWriter.SeriesName, countName: SampleLineWriter.SeriesName,
        writer: SampleLineWriter, to buffer: inout [UInt8]
    ) {
        let timestamp = metric.timestampMilliseconds
        switch metric.value {
        case .histogram(let histogram):
            var sawInfinity = false
            for bucket in histogram.buckets {
                // Go writes bucket counts and _count through float64, so 1e7 becomes 1e+07.
                writeSample(
                    bucketName, metric.labels, extraLabel: ("le", bucket.upperBound),
                    value: Double(bucket.cumulativeCount), timestamp: timestamp, writer, &buffer)
                if bucket.upperBound == .infinity { sawInfinity = true }
            }
            if !sawInfinity {
                writeSample(
                    bucketName, metric.labels, extraLabel: ("le", .infinity),
                    value: Double(histogram.count), timestamp: timestamp, writer, &buffer)
            }
            writeSample(sumName, metric.labels, value: histogram.sum, timestamp: timestamp, writer, &buffer)
            writeSample(countName, metric.labels, value: Double(histogram.count), timestamp: timestamp, writer, &buffer)
        case .summary(let summary):
            for quantile in summary.quantiles {
                writeSample(
                    plainName, metric.labels, extraLabel: ("quantile", quantile.quantile),
                    value: quantile.value, timestamp: timestamp, writer, &buffer)
            }
            writeSample(sumName, metric.labels, value: summary.sum, timestamp: timestamp, writer, &buffer)
            writeSample(countName, metric.labels, value: Double(summary.count), timestamp: timestamp, writer, &buffer)
        case .scalar:
            // A scalar in a histogram or summary family has no place in the format.
            break
        }
    }

    private static func writeSample(
        _ name: SampleLineWriter.SeriesName, _ labels: [Label], extraLabel: (name: String, value: Double)? = nil,
        value: Double, timestamp: Int64?, _ writer: SampleLineWriter, _ buffer: inout [UInt8]
    ) {
        writer.appendSeries(name, labels: labels, extraLabel: extraLabel, to: &buffer)
        GoFloat.appendPrometheusText(value, to: &buffer)
        if let timestamp {
            buffer.append(UInt8(ascii: " "))
            GoFloat.appendDecimal(timestamp, to: &buffer)
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    /// A rough size so that a full scrape needs few reallocations.
    static func estimatedSize(of families: [MetricFamily]) -> Int {
        var size = 0
        for family in families {
            size += 2 * family.name.utf8.count + family.help.utf8.count + 24
            let lineCost = family.name.utf8.count + 32
            for metric in family.metrics {
                var labelBytes = 0
                for label in metric.labels {
                    labelBytes += label.name.utf8.count + label.value.utf8.count + 4
                }
                let lines: Int
                switch metric.value {
                case .scalar: lines = 1
                case .histogram(let histogram): lines = histogram.buckets.count + 3
                case .summary(let summary): lines = summary.quantiles.count + 2
                }
                size += lines * (lineCost + labelBytes)
            }
        }
        return size
    }
}
