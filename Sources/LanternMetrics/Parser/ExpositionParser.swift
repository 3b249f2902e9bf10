import LanternSupport

/// One entry of an exposition, in input order.
public enum ExpositionEntry: Sendable, Hashable {
    /// `# HELP name text`, with escapes resolved.
    case help(metricName: String, text: String)
    /// `# TYPE name type`.
    case type(metricName: String, type: DeclaredType)
    /// `# UNIT name unit` (OpenMetrics only).
    case unit(metricName: String, unit: String)
    /// A sample; its labels are read from the parser (`labels()`, `labelCount`, ...)
    /// until the next call to `next()`.
    case sample(ExpositionSample)
    /// OpenMetrics `# EOF`; `next()` returns nil afterwards.
    case endOfInput
}

/// A sample line, described by byte ranges into the parser's input so that the
/// scraper can look series up by their raw bytes without building strings.
public struct ExpositionSample: Sendable, Hashable {
    /// The metric name, as written (for example `http_requests_total`).
    public var nameRange: Range<Int>
    /// The metric name and label set exactly as written: a cache key for the series.
    public var seriesRange: Range<Int>
    public var value: Double
    /// Milliseconds since the epoch. OpenMetrics writes seconds; they are converted.
    public var timestampMilliseconds: Int64?
    /// Whether an OpenMetrics exemplar followed the sample (validated, not kept).
    public var hasExemplar: Bool
}

/// A streaming parser for the Prometheus text format 0.0.4 and OpenMetrics 1.0.0.
///
/// It reads bytes, never builds a string per sample unless asked, and reuses its
/// label buffer between samples. It checks syntax only: grouping samples into
/// families (and the checks that need that) is `ExpositionParser.metricFamilies`.
public struct ExpositionParser: Sendable {
    public let format: ExpositionFormat
    public let bytes: [UInt8]
    /// Line and column where the entry last returned by `next()` starts.
    public private(set) var entryLine = 0
    public private(set) var entryColumn = 0

    private var position = 0
    private var line = 1
    private var lineStart = 0
    private var finished = false
    private var labelSpans: [LabelSpan] = []

    /// Where one label of the current sample sits in the input.
    struct LabelSpan: Sendable {
        var name: Range<Int>
        /// Between the quotes, escapes not yet resolved.
        var rawValue: Range<Int>
        var valueHasEscapes: Bool
    }

    public init(bytes: [UInt8], format: ExpositionFormat) {
        self.bytes = bytes
        self.format = format
    }

    /// Copies the bytes once; prefer `init(bytes: [UInt8], ...)` when an array exists.
    public init(bytes: UnsafeBufferPointer<UInt8>, format: ExpositionFormat) {
        self.init(bytes: Array(bytes), format: format)
    }

    /// The next entry, or nil at the end of the input.
    public mutating func next() throws(ParseError) -> ExpositionEntry? {
        if finished { return nil }
        let input = bytes  // a second reference, so the closure does not overlap `self`
        do {
            return try input.withUnsafeBufferPointer { (buffer) throws(ParseError) in try self.parseEntry(buffer) }
        } catch {
            finished = true  // an error ends the stream: later calls return nil
            throw error
        }
    }

    // MARK: - Reading the current sample

    public func string(_ range: Range<Int>) -> String {
        let clamped = range.clamped(to: 0..<bytes.count)
        return String(decoding: bytes[clamped], as: UTF8.self)
    }

    /// Number of labels of the sample last returned.
    public var labelCount: Int { labelSpans.count }

    public func labelName(at index: Int) -> String { string(labelSpans[index].name) }

    /// The label value with escapes resolved.
    public func labelValue(at index: Int) -> String {
        let span = labelSpans[index]
        guard span.valueHasEscapes else { return string(span.rawValue) }
        return String(decoding: Self.unescape(bytes[span.rawValue]), as: UTF8.self)
    }

    /// The labels of the sample last returned, sorted by name.
    public func labels() -> [Label] {
        var result: [Label] = []
        result.reserveCapacity(labelSpans.count)
        for index in labelSpans.indices {
            result.append(Label(labelName(at: index), labelValue(at: index)))
        }
        result.sort { $0.name.utf8Precedes($1.name) }
        return result
    }

    /// Resolves `\\`, `\"` and `\n`; the parser has already rejected other escapes.
    static func unescape(_ raw: ArraySlice<UInt8>) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(raw.count)
        var escaped = false
        for c in raw {
            if escaped {
                result.append(c == 0x6E ? ASCII.newline : c)
                escaped = false
            } else if c == ASCII.backslash {
                escaped = true
            } else {
                result.append(c)
            }
        }
        return result
    }

    // MARK: - Positions and errors

    private var column: Int { position - lineStart + 1 }

    private func error(_ message: String, at offset: Int? = nil) -> ParseError {
        ParseError(line: line, column: (offset ?? position) - lineStart + 1, message: message)
    }

    /// Go reads every line up to its newline: input ending without one is cut short.
    private func endOfInputError() -> ParseError {
        switch format {
        case .prometheusText: error("unexpected end of input stream")
        case .openMetrics: error("data does not end with # EOF")
        }
    }

    @inline(__always)
    private func current(_ b: UnsafeBufferPointer<UInt8>) throws(ParseError) -> UInt8 {
        guard position < b.count else { throw endOfInputError() }
        return b[position]
    }

    private mutating func consumeNewline() {
        position += 1
        line += 1
        lineStart = position
    }

    private mutating func skipBlankTab(_ b: UnsafeBufferPointer<UInt8>) {
        while position < b.count, ASCII.isBlankOrTab(b[position]) { position += 1 }
    }

    /// Advances to the first blank, tab or newline; returns the bytes passed over.
    private mutating func tokenUntilWhitespace(_ b: UnsafeBufferPointer<UInt8>) throws(ParseError) -> Range<Int> {
        let start = position
        while true {
            let c = try current(b)
            if c == ASCII.newline || ASCII.isBlankOrTab(c) { break }
            position += 1
        }
        return start..<position
    }

    private mutating func metricNameToken(_ b: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        let start = position
        guard position < b.count, ASCII.isMetricNameStart(b[position]) else { return start..<start }
        position += 1
        while position < b.count, ASCII.isMetricNameContinuation(b[position]) { position += 1 }
        return start..<position
    }

    private mutating func labelNameToken(_ b: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        let start = position
        guard position < b.count, ASCII.isLabelNameStart(b[position]) else { return start..<start }
        position += 1
        while position < b.count, ASCII.isLabelNameContinuation(b[position]) { position += 1 }
        return start..<position
    }

    private func text(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self)
    }

    private func quoted(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        GoQuoting.quote(UnsafeBufferPointer(rebasing: b[range]))
    }

    // MARK: - Entries

    private mutating func parseEntry(_ b: UnsafeBufferPointer<UInt8>) throws(ParseError) -> ExpositionEntry? {
        while true {
            if format == .prometheusText { skipBlankTab(b) }
            guard position < b.count else {
                if format == .openMetrics { throw endOfInputError() }
                finished = true
                return nil
            }
            entryLine = line
            entryColumn = column
            switch b[position] {
            case ASCII.newline:
                if format == .openMetrics { throw error("unexpected empty line") }
                consumeNewline()
            case ASCII.hash:
                let entry = switch format {
                case .prometheusText: try textComment(b)
                case .openMetrics: try openMetricsComment(b)
                }
                if let entry { return entry }
            default:
                return .sample(try sample(b))
            }
        }
    }

    /// A `#` line of the text format. Like Go, comments that are not a complete
    /// HELP or TYPE line are ignored.
    private mutating func textComment(_ b: UnsafeBufferPointer<UInt8>) throws(ParseError) -> ExpositionEntry? {
        position += 1
        skipBlankTab(b)
        if try current(b) == ASCII.newline { consumeNewline(); return nil }
        let keyword = try tokenUntilWhitespace(b)
        if b[position] == ASCII.newline { consumeNewline(); return nil }
        let keywordText = text(b, keyword)
        guard keywordText == "HELP" || keywordText == "TYPE" else {
            while try current(b) != ASCII.newline { position += 1 }
            consumeNewline()
            return nil
        }
        skipBlankTab(b)
        let name = metricNameToken(b)
        let afterName = try current(b)
        if afterName == ASCII.newline { consumeNewline(); return nil }
        guard ASCII.isBlankOrTab(afterName) else { throw error("invalid metric name in comment") }
        skipBlankTab(b)
        if try current(b) == ASCII.newline { consumeNewline(); return nil }
        let metricName = text(b, name)
        if keywordText == "HELP" {
            let help = try escapedTextUntilNewline(b)
            consumeNewline()
            return .help(metricName: metricName, text: help)
        }
        let typeStart = position
        while try current(b) != ASCII.newline { position += 1 }
        let declared: DeclaredType? = switch text(b, typeStart..<position).uppercased() {
        case "COUNTER": .counter
        case "GAUGE": .gauge
        case "HISTOGRAM": .histogram
        case "SUMMARY": .summary
        case "UNTYPED": .untyped
        default: nil
        }
        guard let declared else {
            throw error("unknown metric type \(quoted(b, typeStart..<position))", at: typeStart)
        }
        consumeNewline()
        return .type(metricName: metricName, type: declared)
    }

    /// HELP text up to the newline (left unconsumed), resolving `\\`, `\n` and `\"`.
    private mutating func escapedTextUntilNewline(_ b: UnsafeBufferPointer<UInt8>) throws(ParseError) -> String {
        let start = position
        var hasEscapes = false
        while true {
            let c = try current(b)
            if c == ASCII.newline { break }
            if c == ASCII.backslash {
                position += 1
                let escaped = try current(b)
                guard escaped == ASCII.backslash || escaped == 0x6E || escaped == ASCII.quote else {
                    throw error("invalid escape sequence '\\\(escapedCharacter(escaped))'", at: position - 1)
                }
                hasEscapes = true
            }
            position += 1
        }
        if !hasEscapes { return text(b, start..<position) }
        return String(decoding: Self.unescape(ArraySlice(UnsafeBufferPointer(rebasing: b[start..<position]))), as: UTF8.self)
    }

    private func escapedCharacter(_ c: UInt8) -> String {
        c < 0x80 ? String(Character(Unicode.Scalar(c))) : String(Character(Unicode.Scalar(UInt32(c)) ?? "?"))
    }

    /// An OpenMetrics `#` line: only HELP, TYPE, UNIT and EOF exist, separated by one space.
    private mutating func openMetricsComment(_ b: UnsafeBufferPointer<UInt8>) throws(ParseError) -> ExpositionEntry? {
        let rest = UnsafeBufferPointer(rebasing: b[position...])
        if rest.starts(with: "# EOF".utf8) && (rest.count == 5 || rest[5] == ASCII.newline) {
            position += 5
            if position < b.count { consumeNewline() }
            guard position == b.count else { throw error("unexpected data after # EOF") }
            finished = true
            return .endOfInput
        }
        let keyword: String
        if rest.starts(with: "# HELP ".utf8) { keyword = "HELP" }
        else if rest.starts(with: "# TYPE ".utf8) { keyword = "TYPE" }
        else if rest.starts(with: "# UNIT ".utf8) { keyword = "UNIT" }
        else { throw error("expected # HELP, # TYPE, # UNIT or # EOF, got \(quoted(b, position..<min(position + 7, b.count)))") }
        position += 7
        let name = metricNameToken(b)
        guard !name.isEmpty else { throw error("expected metric name after \(keyword)") }
        let metricName = text(b, name)
        // The text may be empty, and then its separating space may be missing too.
        var afterName = try current(b)
        if afterName == ASCII.space {
            position += 1
            afterName = try current(b)
        } else if afterName != ASCII.newline {
            throw error("expected text in \(keyword) after metric name, got \(GoQuoting.quote(byte: afterName))")
        }
        switch keyword {
        case "HELP":
            let help = try escapedTextUntilNewline(b)
            consumeNewline()
            return .help(metricName: metricName, text: help)
        case "TYPE":
            let typeStart = position
            while try current(b) != ASCII.newline { position += 1 }
            let typeText = text(b, typeStart..<position)
            guard let declared = DeclaredType(rawValue: typeText), declared != .untyped else {
                throw error("invalid metric type \(quoted(b, typeStart..<position))", at: typeStart)
            }
            consumeNewline()
            return .type(metricName: metricName, type: declared)
        default:
            let unitStart = position
            while try current(b) != ASCII.newline { position += 1 }
            let unit = text(b, unitStart..<position)
            guard unit.isEmpty || metricName.hasSuffix("_" + unit) else {
                throw error("unit \(quoted(b, unitStart..<position)) not a suffix of metric \(GoQuoting.quote(metricName.utf8))", at: unitStart)
            }
            consumeNewline()
            return .unit(metricName: metricName, unit: unit)
        }
    }

    // MARK: - Samples

    private mutating func sample(_ b: UnsafeBufferPointer<UInt8>) throws(ParseError) -> ExpositionSample {
        let strict = format == .openMetrics
        let start = position
        let name = metricNameToken(b)
        guard !name.isEmpty else { throw error("invalid metric name") }
        if !strict { skipBlankTab(b) }
        // Take the reusable buffer out of `self` so both can be modified at once.
        var spans: [LabelSpan] = []
        swap(&spans, &labelSpans)
        spans.removeAll(keepingCapacity: true)
        defer { labelSpans = spans }
        var seriesEnd = name.upperBound
        if try current(b) == ASCII.braceOpen {
            position += 1
            try labelSet(b, metricName: name, into: &spans)
            seriesEnd = position
        }
        if strict {
            try skipSingleSpace(b)
        } else {
            skipBlankTab(b)
        }
        let value = try floatToken(b, what: "value")
        var timestamp: Int64?
        var hasExemplar = false
        if strict {
            (timestamp, hasExemplar) = try openMetricsSampleTail(b)
        } else if try current(b) != ASCII.newline {
            timestamp = try textTimestamp(b)
        }
        consumeNewline()
        return ExpositionSample(nameRange: name, seriesRange: start..<seriesEnd, value: value,
                                timestampMilliseconds: timestamp, hasExemplar: hasExemplar)
    }

    /// Label sets longer than this are checked for duplicate names with a set: a linear
    /// scan per label made one line with 20 000 labels take 30 s (quadratic), and a
    /// textfile or a scraped target may be one such line of many megabytes.
    static let linearDuplicateCheckLimit = 16

    /// Whether `name` is already among `spans`: a scan for short label sets (no allocation),
    /// `namesSeen` (filled on first use) for long ones.
    private func isDuplicate(
        _ name: Range<Int>, among spans: [LabelSpan], in b: UnsafeBufferPointer<UInt8>, namesSeen: inout Set<[UInt8]>
    ) -> Bool {
        if spans.count < Self.linearDuplicateCheckLimit {
            return spans.contains { b[$0.name].elementsEqual(b[name]) }
        }
        if namesSeen.isEmpty {
            namesSeen = Set(spans.map { Array(b[$0.name]) })
        }
        return !namesSeen.insert(Array(b[name])).inserted
    }

    /// `{name="value",...}` after the opening brace, through the closing brace.
    /// The text format allows blanks between the parts, OpenMetrics does not.
    private mutating func labelSet(
        _ b: UnsafeBufferPointer<UInt8>, metricName: Range<Int>, into spans: inout [LabelSpan]
    ) throws(ParseError) {
        let strict = format == .openMetrics
        // Label names of long label sets, for the duplicate check (see isDuplicate).
        var namesSeen: Set<[UInt8]> = []
        while true {
            if !strict { skipBlankTab(b) }
            if try current(b) == ASCII.braceClose { position += 1; return }
            let nameStart = position
            let labelName = labelNameToken(b)
            guard !labelName.isEmpty else {
                throw error("invalid label name for metric \(quoted(b, metricName))")
            }
            if !strict { skipBlankTab(b) }
            let equals = try current(b)
            guard equals == ASCII.equals else {
                throw error("expected '=' after label name, found \(GoQuoting.quote(byte: equals))")
            }
            if b[labelName].elementsEqual("__name__".utf8) {
                throw error("label name \"__name__\" is reserved", at: nameStart)
            }
            if isDuplicate(labelName, among: spans, in: b, namesSeen: &namesSeen) {
                throw error("duplicate label names for metric \(quoted(b, metricName))", at: nameStart)
            }
            position += 1
            if !strict { skipBlankTab(b) }
            let openingQuote = try current(b)
            guard openingQuote == ASCII.quote else {
                throw error("expected '\"' at start of label value, found \(GoQuoting.quote(byte: openingQuote))")
            }
            position += 1
            let valueStart = position
            var hasEscapes = false
            while true {
                let c = try current(b)
                if c == ASCII.quote { break }
                if c == ASCII.newline {
                    throw error("label value \(quoted(b, valueStart..<position)) contains unescaped new-line")
                }
                if c == ASCII.backslash {
                    position += 1
                    let escaped = try current(b)
                    guard escaped == ASCII.backslash || escaped == 0x6E || escaped == ASCII.quote else {
                        throw error("invalid escape sequence '\\\(escapedCharacter(escaped))'", at: position - 1)
                    }
                    hasEscapes = true
                }
                position += 1
            }
            let rawValue = valueStart..<position
            guard UTF8Validation.isValid(UnsafeBufferPointer(rebasing: b[rawValue])) else {
                throw error("invalid label value \(quoted(b, rawValue))", at: valueStart)
            }
            spans.append(LabelSpan(name: labelName, rawValue: rawValue, valueHasEscapes: hasEscapes))
            position += 1
            if !strict { skipBlankTab(b) }
            let separator = try current(b)
            if separator == ASCII.comma {
                position += 1
            } else if separator == ASCII.braceClose {
                position += 1
                return
            } else if strict {
                throw error("expected comma or brace close, got \(GoQuoting.quote(byte: separator))")
            } else {
                throw error("unexpected end of label value \(GoQuoting.quote(Self.unescape(b[rawValue].asArraySlice)))")
            }
        }
    }

    private mutating func floatToken(_ b: UnsafeBufferPointer<UInt8>, what: String) throws(ParseError) -> Double {
        let token = try tokenUntilWhitespace(b)
        guard let value = NumberSyntax.parseFloat(UnsafeBufferPointer(rebasing: b[token])) else {
            throw error("expected float as \(what), got \(quoted(b, token))", at: token.lowerBound)
        }
        return value
    }

    /// Text format: blanks, an integer timestamp in milliseconds, nothing else.
    private mutating func textTimestamp(_ b: UnsafeBufferPointer<UInt8>) throws(ParseError) -> Int64 {
        skipBlankTab(b)
        let token = try tokenUntilWhitespace(b)
        guard let timestamp = NumberSyntax.parseInt64(UnsafeBufferPointer(rebasing: b[token])) else {
            throw error("expected integer as timestamp, got \(quoted(b, token))", at: token.lowerBound)
        }
        let restStart = position
        while try current(b) != ASCII.newline { position += 1 }
        guard restStart == position else {
            throw error("spurious string after timestamp: \(quoted(b, restStart..<position))", at: restStart)
        }
        return timestamp
    }

    /// OpenMetrics: after the value, optionally ` timestamp` and ` # {exemplar}`.
    private mutating func openMetricsSampleTail(_ b: UnsafeBufferPointer<UInt8>) throws(ParseError) -> (Int64?, Bool) {
        var timestamp: Int64?
        if try current(b) == ASCII.newline { return (nil, false) }
        try skipSingleSpace(b)
        if try current(b) != ASCII.hash {
            timestamp = try openMetricsTimestamp(b, what: "timestamp")
            if try current(b) == ASCII.newline { return (timestamp, false) }
            try skipSingleSpace(b)
            guard try current(b) == ASCII.hash else {
                throw error("expected next entry after timestamp, got \(GoQuoting.quote(byte: b[position]))")
            }
        }
        try exemplar(b)
        return (timestamp, true)
    }

    /// OpenMetrics separates tokens by exactly one space.
    private mutating func skipSingleSpace(_ b: UnsafeBufferPointer<UInt8>) throws(ParseError) {
        guard try current(b) == ASCII.space else {
            throw error("expected a single space between tokens, got \(GoQuoting.quote(byte: b[position]))")
        }
        position += 1
        let next = try current(b)
        if ASCII.isBlankOrTab(next) {
            throw error("expected a single space between tokens, got \(GoQuoting.quote(byte: next))")
        }
    }

    /// Seconds as a float, converted to whole milliseconds like Prometheus does.
    private mutating func openMetricsTimestamp(_ b: UnsafeBufferPointer<UInt8>, what: String) throws(ParseError) -> Int64 {
        let tokenStart = position
        let seconds = try floatToken(b, what: what)
        let milliseconds = seconds * 1000
        guard milliseconds.isFinite, milliseconds > -9.2e18, milliseconds < 9.2e18 else {
            throw error("invalid \(what) \(quoted(b, tokenStart..<position))", at: tokenStart)
        }
        return Int64(milliseconds)
    }

    /// `# {labels} value [timestamp]` up to the newline; checked, then dropped.
    private mutating func exemplar(_ b: UnsafeBufferPointer<UInt8>) throws(ParseError) {
        let start = position
        let rest = UnsafeBufferPointer(rebasing: b[position...])
        guard rest.starts(with: "# {".utf8) else {
            throw error("expected exemplar after \"# \", got \(quoted(b, position..<min(position + 3, b.count)))")
        }
        position += 3
        var exemplarLabels: [LabelSpan] = []
        try labelSet(b, metricName: start..<start, into: &exemplarLabels)
        var characters = 0
        for span in exemplarLabels {
            characters += UTF8Validation.scalarCount(UnsafeBufferPointer(rebasing: b[span.name]))
            characters += UTF8Validation.scalarCount(UnsafeBufferPointer(rebasing: b[span.rawValue]))
        }
        guard characters <= 128 else {
            throw error("exemplar labels have \(characters) UTF-8 characters, exceeding the limit of 128", at: start)
        }
        try skipSingleSpace(b)
        _ = try floatToken(b, what: "exemplar value")
        if try current(b) == ASCII.newline { return }
        try skipSingleSpace(b)
        _ = try openMetricsTimestamp(b, what: "exemplar timestamp")
        guard try current(b) == ASCII.newline else {
            throw error("expected next entry after exemplar timestamp, got \(GoQuoting.quote(byte: b[position]))")
        }
    }
}

extension Slice where Base == UnsafeBufferPointer<UInt8> {
    fileprivate var asArraySlice: ArraySlice<UInt8> { ArraySlice(self) }
}
