/// What the two text encoders share: the `name{labels} ` part of a sample line,
/// written the way client_golang writes it, with names escaped once per family.
struct SampleLineWriter {
    /// A sample name already rendered to bytes. Quoted (non-legacy) names are written
    /// inside the braces, so `{` may already be part of the bytes.
    struct SeriesName {
        let bytes: [UInt8]
        let opensBraces: Bool
    }

    enum FloatStyle {
        /// client_golang `writeFloat`.
        case prometheusText
        /// client_golang `writeOpenMetricsFloat`.
        case openMetrics
    }

    let escaping: NameEscaping
    let floatStyle: FloatStyle

    func seriesName(_ name: String, suffix: String = "") -> SeriesName {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count + suffix.utf8.count + 3)
        let opensBraces = escaping.appendSampleName(name, suffix: suffix, to: &bytes)
        return SeriesName(bytes: bytes, opensBraces: opensBraces)
    }

    func appendFloat(_ value: Double, to buffer: inout [UInt8]) {
        switch floatStyle {
        case .prometheusText: GoFloat.appendPrometheusText(value, to: &buffer)
        case .openMetrics: GoFloat.appendOpenMetrics(value, to: &buffer)
        }
    }

    /// The `{name="` and `,name="` that open each label of a series, rendered once per
    /// family from the label names of its first series. Series with the same names (in a
    /// family, nearly all) are written with them instead of checking and escaping each
    /// label name again.
    struct LabelOpenings: Sendable {
        let names: [String]
        let bytes: [[UInt8]]

        /// Whether `labels` have exactly these names (same strings compare in a step).
        func fit(_ labels: [Label]) -> Bool {
            guard labels.count == names.count else { return false }
            for index in labels.indices where labels[index].name != names[index] {
                return false
            }
            return true
        }
    }

    func labelOpenings(of labels: [Label], after name: SeriesName) -> LabelOpenings {
        var separator = name.opensBraces ? UInt8(ascii: ",") : UInt8(ascii: "{")
        var bytes: [[UInt8]] = []
        for label in labels {
            var opening = [separator]
            escaping.appendLabelName(label.name, to: &opening)
            opening.append(UInt8(ascii: "="))
            opening.append(UInt8(ascii: "\""))
            bytes.append(opening)
            separator = UInt8(ascii: ",")
        }
        return LabelOpenings(names: labels.map(\.name), bytes: bytes)
    }

    /// Writes `name{l1="v1",...,extra="x"}` followed by a space. `extraLabel` is the
    /// `le` or `quantile` label, which client_golang always writes last.
    func appendSeries(
        _ name: SeriesName, labels: [Label], extraLabel: (name: String, value: Double)? = nil,
        openings: LabelOpenings? = nil, to buffer: inout [UInt8]
    ) {
        buffer.append(contentsOf: name.bytes)
        var separator = name.opensBraces ? UInt8(ascii: ",") : UInt8(ascii: "{")
        if labels.isEmpty && extraLabel == nil {
            if name.opensBraces { buffer.append(UInt8(ascii: "}")) }
            buffer.append(UInt8(ascii: " "))
            return
        }
        if let openings, openings.fit(labels) {
            for index in labels.indices {
                buffer.append(contentsOf: openings.bytes[index])
                appendEscaped(labels[index].value, escapingQuotes: true, to: &buffer)
                buffer.append(UInt8(ascii: "\""))
            }
            if !labels.isEmpty { separator = UInt8(ascii: ",") }
        } else {
            for label in labels {
                buffer.append(separator)
                escaping.appendLabelName(label.name, to: &buffer)
                buffer.append(UInt8(ascii: "="))
                buffer.append(UInt8(ascii: "\""))
                appendEscaped(label.value, escapingQuotes: true, to: &buffer)
                buffer.append(UInt8(ascii: "\""))
                separator = UInt8(ascii: ",")
            }
        }
        if let extraLabel {
            buffer.append(separator)
            buffer.append(contentsOf: extraLabel.name.utf8)
            buffer.append(UInt8(ascii: "="))
            buffer.append(UInt8(ascii: "\""))
            appendFloat(extraLabel.value, to: &buffer)
            buffer.append(UInt8(ascii: "\""))
        }
        buffer.append(UInt8(ascii: "}"))
        buffer.append(UInt8(ascii: " "))
    }

    /// Writes `# KEYWORD name ` (the caller adds the rest of the line).
    func appendDescriptorLine(keyword: StaticString, name: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "#"))
        buffer.append(UInt8(ascii: " "))
        keyword.withUTF8Buffer { buffer.append(contentsOf: $0) }
        buffer.append(UInt8(ascii: " "))
        escaping.appendDescriptorName(name, to: &buffer)
        buffer.append(UInt8(ascii: " "))
    }
}

extension Array where Element == UInt8 {
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { self.append(contentsOf: $0) }
    }
}
