/// The Prometheus text format 0.0.4, byte for byte as client_golang's
/// `expfmt.MetricFamilyToText` writes it. Families and series are written in the order
/// given (the registry sorts them).
public enum TextEncoder {
    /// What promhttp sends for this format with the default name escaping.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"

    /// Encodes all families into a new buffer. With a `cache`, each family's HELP and TYPE
    /// lines and sample names are taken from the previous call when the family at the
    /// same position has the same name, help and type (an exporter's families do, scrape
    /// after scrape): they were a third of the encoding work.
    public static func encode(
        _ families: [MetricFamily], nameEscaping: NameEscaping = .underscores, cache: TextEncodingCache? = nil
    ) -> [UInt8] {
        var buffer: [UInt8] = []
        guard let cache else {
            buffer.reserveCapacity(estimatedSize(of: families))
            for family in families {
                encode(family, into: &buffer, nameEscaping: nameEscaping)
            }
            return buffer
        }
        var (preambles, previousSize) = cache.take()
        // The last encode's size (plus an eighth for growth) rather than an estimate
        // that walks every label of every series.
        buffer.reserveCapacity(previousSize > 0 ? previousSize + previousSize / 8 : estimatedSize(of: families))
        for (position, family) in families.enumerated() {
            if position == preambles.count {
                preambles.append(FamilyPreamble(family, escaping: nameEscaping))
            } else if !preambles[position].describes(family, escaping: nameEscaping) {
                preambles[position] = FamilyPreamble(family, escaping: nameEscaping)
            }
            encode(family, preamble: preambles[position], into: &buffer)
        }
        cache.keep(preambles, size: buffer.count)
        return buffer
    }

    /// Appends one family. A family without series is skipped: client_golang refuses
    /// to encode it, and its gatherer never produces one.
    public static func encode(_ family: MetricFamily, into buffer: inout [UInt8], nameEscaping: NameEscaping = .underscores) {
        encode(family, preamble: FamilyPreamble(family, escaping: nameEscaping), into: &buffer)
    }

    private static func encode(_ family: MetricFamily, preamble: FamilyPreamble, into buffer: inout [UInt8]) {
        guard !family.metrics.isEmpty, !family.name.isEmpty else { return }
        buffer.append(contentsOf: preamble.descriptorLines)
        // Through the buffer's pointer, so that a series is read in place instead of
        // copied (and retained).
        family.metrics.withUnsafeBufferPointer { metrics in
            switch family.type {
            case .histogram, .summary:
                for index in metrics.indices {
                    appendComplexSeries(metrics[index], preamble, to: &buffer)
                }
            case .counter, .gauge, .untyped, .info, .stateset:
                for index in metrics.indices {
                    guard case .scalar(let value) = metrics[index].value else { continue }
                    writeSample(
                        preamble.plainName, metrics[index].labels, value: value,
                        timestamp: metrics[index].timestampMilliseconds, preamble, &buffer)
                }
            }
        }
    }

    /// What a family's lines share, rendered once: its HELP and TYPE lines and the sample
    /// names (with `_bucket`, `_sum`, `_count` for histograms and summaries). A class: the
    /// encoder passes it along per family and per sample, and copying ten fields of
    /// arrays and strings each time cost a quarter of an encode.
    final class FamilyPreamble: Sendable {
        let name: String
        let help: String
        let type: MetricType
        let writer: SampleLineWriter
        let descriptorLines: [UInt8]
        let plainName: SampleLineWriter.SeriesName
        let bucketName: SampleLineWriter.SeriesName
        let sumName: SampleLineWriter.SeriesName
        let countName: SampleLineWriter.SeriesName
        /// From the label names of the family's first series.
        let labelOpenings: SampleLineWriter.LabelOpenings

        init(_ family: MetricFamily, escaping: NameEscaping) {
            name = family.name
            help = family.help
            type = family.type
            writer = SampleLineWriter(escaping: escaping, floatStyle: .prometheusText)
            // client_golang always sets Help (possibly empty), so HELP is always written,
            // with the space before the text even when the text is empty.
            var lines: [UInt8] = []
            writer.appendDescriptorLine(keyword: "HELP", name: family.name, to: &lines)
            appendEscaped(family.help, escapingQuotes: false, to: &lines)
            lines.append(UInt8(ascii: "\n"))
            writer.appendDescriptorLine(keyword: "TYPE", name: family.name, to: &lines)
            lines.append(contentsOf: TextEncoder.typeName(family.type).utf8)
            lines.append(UInt8(ascii: "\n"))
            descriptorLines = lines
            plainName = writer.seriesName(family.name)
            switch family.type {
            case .histogram, .summary:
                bucketName = writer.seriesName(family.name, suffix: "_bucket")
                sumName = writer.seriesName(family.name, suffix: "_sum")
                countName = writer.seriesName(family.name, suffix: "_count")
            case .counter, .gauge, .untyped, .info, .stateset:
                bucketName = plainName
                sumName = plainName
                countName = plainName
            }
            labelOpenings = writer.labelOpenings(of: family.metrics.first?.labels ?? [], after: plainName)
        }

        /// Whether this preamble is the one `family` would get (names compare fastest
        /// when they are the same string, as a collector's descriptor passes it on).
        func describes(_ family: MetricFamily, escaping: NameEscaping) -> Bool {
            family.name == name && family.help == help && family.type == type && writer.escaping == escaping
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

    private static func appendComplexSeries(_ metric: Metric, _ preamble: FamilyPreamble, to buffer: inout [UInt8]) {
        let timestamp = metric.timestampMilliseconds
        switch metric.value {
        case .histogram(let histogram):
            var sawInfinity = false
            for bucket in histogram.buckets {
                // Go writes bucket counts and _count through float64, so 1e7 becomes 1e+07.
                writeSample(
                    preamble.bucketName, metric.labels, extraLabel: ("le", bucket.upperBound),
                    value: Double(bucket.cumulativeCount), timestamp: timestamp, preamble, &buffer)
                if bucket.upperBound == .infinity { sawInfinity = true }
            }
            if !sawInfinity {
                writeSample(
                    preamble.bucketName, metric.labels, extraLabel: ("le", .infinity),
                    value: Double(histogram.count), timestamp: timestamp, preamble, &buffer)
            }
            writeSample(preamble.sumName, metric.labels, value: histogram.sum, timestamp: timestamp, preamble, &buffer)
            writeSample(preamble.countName, metric.labels, value: Double(histogram.count), timestamp: timestamp, preamble, &buffer)
        case .summary(let summary):
            for quantile in summary.quantiles {
                writeSample(
                    preamble.plainName, metric.labels, extraLabel: ("quantile", quantile.quantile),
                    value: quantile.value, timestamp: timestamp, preamble, &buffer)
            }
            writeSample(preamble.sumName, metric.labels, value: summary.sum, timestamp: timestamp, preamble, &buffer)
            writeSample(preamble.countName, metric.labels, value: Double(summary.count), timestamp: timestamp, preamble, &buffer)
        case .scalar:
            // A scalar in a histogram or summary family has no place in the format.
            break
        }
    }

    private static func writeSample(
        _ name: SampleLineWriter.SeriesName, _ labels: [Label], extraLabel: (name: String, value: Double)? = nil,
        value: Double, timestamp: Int64?, _ preamble: FamilyPreamble, _ buffer: inout [UInt8]
    ) {
        preamble.writer.appendSeries(name, labels: labels, extraLabel: extraLabel, openings: preamble.labelOpenings, to: &buffer)
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
