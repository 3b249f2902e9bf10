extension ExpositionParser {
    /// Parses a whole exposition into metric families, with the semantics of Go's
    /// `expfmt.TextParser.TextToMetricFamilies`: samples grouped by family, histogram
    /// and summary samples folded into one value per label set (without `le` or
    /// `quantile`), labels sorted by name, families without samples dropped.
    /// Families come in the order of their first line; series in input order.
    ///
    /// OpenMetrics adds: `_total`/`_created` folded into one counter series,
    /// `_created` kept as `Metric.created`, families must not be interleaved.
    public static func metricFamilies(in bytes: [UInt8], format: ExpositionFormat) throws(ParseError) -> [MetricFamily] {
        var parser = ExpositionParser(bytes: bytes, format: format)
        var builder = FamilyBuilder(format: format)
        while let entry = try parser.next() {
            try builder.add(entry, from: parser)
        }
        return builder.families.compactMap { $0.family.metrics.isEmpty ? nil : $0.family }
    }
}

/// Groups parser entries into families.
private struct FamilyBuilder {
    struct FamilyState {
        var family: MetricFamily
        var declaredType: DeclaredType?
        var hasHelp = false
        var hasUnit = false
        /// Series by label set, for types whose series span several sample lines.
        var seriesByLabels: [[Label]: Int] = [:]
    }

    /// What one sample line contributes to its family's series.
    enum SamplePart {
        case scalar, count, sum, bucket, quantile, created, ignored
    }

    let format: ExpositionFormat
    var families: [FamilyState] = []
    var indexByName: [String: Int] = [:]
    /// The family of the previous sample, to detect interleaving in OpenMetrics.
    var lastSampleFamily: Int?

    init(format: ExpositionFormat) {
        self.format = format
    }

    mutating func add(_ entry: ExpositionEntry, from parser: ExpositionParser) throws(ParseError) {
        func fail(_ message: String) -> ParseError {
            ParseError(line: parser.entryLine, column: parser.entryColumn, message: message)
        }
        switch entry {
        case .help(let name, let text):
            let index = metadataFamily(name)
            guard !families[index].hasHelp else {
                throw fail("second HELP line for metric name \(GoQuoting.quote(families[index].family.name.utf8))")
            }
            families[index].hasHelp = true
            families[index].family.help = text
        case .type(let name, let declared):
            let index = metadataFamily(name)
            guard families[index].declaredType == nil else {
                throw fail("second TYPE line for metric name \(GoQuoting.quote(families[index].family.name.utf8)), or TYPE reported after samples")
            }
            families[index].declaredType = declared
            families[index].family.type = declared.metricType
        case .unit(let name, let unit):
            let index = metadataFamily(name)
            guard !families[index].hasUnit else {
                throw fail("second UNIT line for metric name \(GoQuoting.quote(families[index].family.name.utf8))")
            }
            families[index].hasUnit = true
            families[index].family.unit = unit
        case .sample(let sample):
            try add(sample, from: parser, fail: fail)
        case .endOfInput:
            break
        }
    }

    /// The family a HELP/TYPE/UNIT line names. In the text format Go resolves the
    /// name like a sample name (so `# HELP x_sum` can describe summary `x`).
    private mutating func metadataFamily(_ name: String) -> Int {
        if format == .prometheusText, let (index, _) = textFamily(forSample: name) { return index }
        return family(named: name)
    }

    private mutating func family(named name: String) -> Int {
        if let index = indexByName[name] { return index }
        indexByName[name] = families.count
        families.append(FamilyState(family: MetricFamily(name: name, help: "", type: .untyped)))
        return families.count - 1
    }

    /// Go's lookup: the exact name, else `_count`/`_sum` of a summary, else
    /// `_count`/`_sum`/`_bucket` of a histogram.
    private func textFamily(forSample name: String) -> (Int, SamplePart)? {
        if let index = indexByName[name] { return (index, .scalar) }
        for (suffix, part) in [("_count", SamplePart.count), ("_sum", .sum), ("_bucket", .bucket)] {
            guard name.utf8.count > suffix.utf8.count, name.hasSuffix(suffix) else { continue }
            let base = String(name.dropLast(suffix.count))
            guard let index = indexByName[base] else { continue }
            let type = families[index].declaredType
            if type == .summary && part != .bucket { return (index, part) }
            if type == .histogram { return (index, part) }
        }
        return nil
    }

    /// OpenMetrics names samples by family name plus a suffix fixed by the type.
    private func openMetricsFamily(forSample name: String) -> (Int, SamplePart)? {
        if let index = indexByName[name] {
            switch families[index].declaredType {
            case .counter, .histogram, .gaugeHistogram, .info: break  // these need a suffix
            case .summary: return (index, .quantile)
            default: return (index, .scalar)
            }
        }
        let suffixes: [(String, SamplePart, Set<DeclaredType>)] = [
            ("_total", .scalar, [.counter]),
            ("_created", .created, [.counter, .histogram, .summary]),
            ("_bucket", .bucket, [.histogram, .gaugeHistogram]),
            ("_count", .count, [.histogram, .summary]),
            ("_sum", .sum, [.histogram, .summary]),
            ("_gcount", .count, [.gaugeHistogram]),
            ("_gsum", .sum, [.gaugeHistogram]),
            ("_info", .scalar, [.info]),
        ]
        for (suffix, part, types) in suffixes {
            guard name.utf8.count > suffix.utf8.count, name.hasSuffix(suffix) else { continue }
            let base = String(name.dropLast(suffix.count))
            if let index = indexByName[base], let type = families[index].declaredType, types.contains(type) {
                return (index, part)
            }
        }
        return nil
    }

    private mutating func add(
        _ sample: ExpositionSample, from parser: ExpositionParser, fail: (String) -> ParseError
    ) throws(ParseError) {
        let name = parser.string(sample.nameRange)
        let resolved = format == .prometheusText ? textFamily(forSample: name) : openMetricsFamily(forSample: name)
        let (index, namepart) = resolved ?? (family(named: name), .scalar)
        if let declared = families[index].declaredType {
            if format == .openMetrics, indexByName[name] == index,
               [.counter, .histogram, .gaugeHistogram, .info].contains(declared) {
                throw fail("\(declared.rawValue) sample \(GoQuoting.quote(name.utf8)) lacks the suffix its type requires")
            }
        } else {
            // The first sample fixes the type; a TYPE line after it is an error, as in Go.
            families[index].declaredType = format == .openMetrics ? .unknown : .untyped
        }
        if format == .openMetrics, lastSampleFamily != index, !families[index].family.metrics.isEmpty {
            throw fail("metric family \(GoQuoting.quote(families[index].family.name.utf8)) is interleaved with another family")
        }
        lastSampleFamily = index

        var labels = parser.labels()
        let type = families[index].family.type
        var part = namepart
        var bound: Double?
        let specialLabel = type == .histogram ? "le" : type == .summary ? "quantile" : nil
        if let specialLabel, let position = labels.firstIndex(where: { $0.name == specialLabel }) {
            let text = labels[position].value
            labels.remove(at: position)
            guard let value = NumberSyntax.parseFloat(text.utf8) else {
                throw fail("expected float as value for '\(specialLabel)' label, got \(GoQuoting.quote(text.utf8))")
            }
            bound = value
        }
        switch (type, part) {
        case (.histogram, .scalar), (.histogram, .bucket): part = bound == nil ? .ignored : .bucket
        case (.summary, .scalar), (.summary, .quantile): part = bound == nil ? .ignored : .quantile
        default: break
        }
        if format == .openMetrics, type == .histogram, namepart == .bucket, bound == nil {
            throw fail("histogram bucket \(GoQuoting.quote(name.utf8)) has no \"le\" label")
        }

        let metricIndex: Int
        let foldsSeries = type == .histogram || type == .summary || (format == .openMetrics && type == .counter)
        if foldsSeries, let existing = families[index].seriesByLabels[labels] {
            metricIndex = existing
        } else {
            let empty: MetricValue = switch type {
            case .histogram: .histogram(HistogramValue(buckets: [], count: 0, sum: 0))
            case .summary: .summary(SummaryValue(quantiles: [], count: 0, sum: 0))
            default: .scalar(0)
            }
            metricIndex = families[index].family.metrics.count
            families[index].family.metrics.append(Metric(labels: labels, value: empty))
            if foldsSeries { families[index].seriesByLabels[labels] = metricIndex }
        }
        Self.apply(sample, part: part, bound: bound ?? 0, to: &families[index].family.metrics[metricIndex])
    }

    private static func apply(_ sample: ExpositionSample, part: SamplePart, bound: Double, to metric: inout Metric) {
        if let timestamp = sample.timestampMilliseconds { metric.timestampMilliseconds = timestamp }
        let value = sample.value
        if part == .created {
            metric.created = value
            return
        }
        // The value is taken out of the metric before it changes: while `metric.value`
        // still holds the buckets, each append copied all of them (a histogram of
        // 100 000 buckets took minutes).
        if case .histogram(var histogram) = metric.value {
            guard [.count, .sum, .bucket].contains(part) else { return }
            metric.value = .scalar(0)
            switch part {
            case .count: histogram.count = saturatingCount(value)
            case .sum: histogram.sum = value
            default: histogram.buckets.append(.init(upperBound: bound, cumulativeCount: saturatingCount(value)))
            }
            metric.value = .histogram(histogram)
        } else if case .summary(var summary) = metric.value {
            guard [.count, .sum, .quantile].contains(part) else { return }
            metric.value = .scalar(0)
            switch part {
            case .count: summary.count = saturatingCount(value)
            case .sum: summary.sum = value
            default: summary.quantiles.append(.init(quantile: bound, value: value))
            }
            metric.value = .summary(summary)
        } else {
            metric.value = .scalar(value)
        }
    }

    /// Go converts with `uint64(value)`; Swift would trap on NaN, negatives or
    /// overflow, so those clamp instead.
    private static func saturatingCount(_ value: Double) -> UInt64 {
        guard value > 0 else { return 0 }
        guard value < 18_446_744_073_709_551_616.0 else { return .max }
        return UInt64(value)
    }
}

extension NumberSyntax {
    static func parseFloat(_ text: String.UTF8View) -> Double? {
        Array(text).withUnsafeBufferPointer { parseFloat($0) }
    }
}
