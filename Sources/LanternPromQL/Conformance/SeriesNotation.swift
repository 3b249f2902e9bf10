import LanternMetrics

/// The series notation of promtool and promqltest: `metric{l="v"} 1 2+3x4 _ stale _x2`.
public struct SeriesNotation: Sendable {
    public enum Value: Equatable, Sendable {
        case number(Double)
        case omitted
        case stale
    }

    public let labels: Labels
    public let values: [Value]
    /// The line contains native histogram samples (`{{...}}`), which Lantern does not model.
    let hasHistograms: Bool

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses one definition line: a series descriptor, then its values.
    public init(line: String) throws {
        let (descriptor, rest) = try SeriesNotation.splitDescriptor(line)
        labels = try SeriesNotation.parseLabels(descriptor)
        (values, hasHistograms) = try SeriesNotation.parseValues(rest)
    }

    /// Splits off the descriptor: up to the closing brace, or up to the first blank.
    private static func splitDescriptor(_ line: String) throws -> (Substring, Substring) {
        let text = Substring(line.trimmingBlanks)
        guard let brace = text.firstIndex(of: "{"), text[..<brace].allSatisfy({ !$0.isWhitespace }) else {
            let end = text.firstIndex(where: \.isWhitespace) ?? text.endIndex
            return (text[..<end], text[end...])
        }
        var inQuote: Character?
        var escaped = false
        var index = text.index(after: brace)
        while index < text.endIndex {
            let character = text[index]
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if let quote = inQuote {
                if character == quote { inQuote = nil }
            } else if character == "\"" || character == "'" || character == "`" {
                inQuote = character
            } else if character == "}" {
                let end = text.index(after: index)
                return (text[..<end], text[end...])
            }
            index = text.index(after: index)
        }
        throw Invalid(description: "unclosed brace in series \(line)")
    }

    /// A series descriptor alone, as promtool's `exp_samples` labels: `metric{l="v"}`, `{l="v"}`.
    public static func labels(_ descriptor: String) throws -> Labels { try parseLabels(Substring(descriptor.trimmingBlanks)) }

    private static func parseLabels(_ descriptor: Substring) throws -> Labels {
        if descriptor == "{}" { return Labels() }
        let expr: Expr
        do {
            expr = try Parser.parse(String(descriptor))
        } catch {
            throw Invalid(description: "bad series descriptor \(descriptor): \(error)")
        }
        guard case .vectorSelector(let selector) = expr, selector.matchers.allSatisfy({ $0.kind == .equal }) else {
            throw Invalid(description: "bad series descriptor \(descriptor)")
        }
        return Labels(selector.matchers.map { Label($0.name, $0.value) })
    }

    private static func parseValues(_ text: Substring) throws -> ([Value], Bool) {
        var values: [Value] = []
        var hasHistograms = false
        var rest = text[...]
        while true {
            rest = rest.drop(while: \.isWhitespace)
            guard !rest.isEmpty else { break }
            if rest.hasPrefix("{{") {
                hasHistograms = true
                rest = skipHistogramTerm(rest)
                continue
            }
            let end = rest.firstIndex(where: \.isWhitespace) ?? rest.endIndex
            values += try expand(String(rest[..<end]))
            rest = rest[end...]
        }
        return (values, hasHistograms)
    }

    /// Skips `{{...}}`, `{{...}}xN` or `{{...}}+{{...}}xN`.
    private static func skipHistogramTerm(_ text: Substring) -> Substring {
        var rest = text
        while let close = rest.firstRange(of: "}}") {
            rest = rest[close.upperBound...]
            guard rest.hasPrefix("+{{") || rest.hasPrefix("-{{") else { break }
        }
        return rest.drop(while: { !$0.isWhitespace })
    }

    /// One term: `_`, `_xN`, `stale`, `v`, `vxN`, `v+dxN`, `v-dxN`.
    private static func expand(_ term: String) throws -> [Value] {
        if term == "_" { return [.omitted] }
        if term == "stale" { return [.stale] }
        if term.hasPrefix("_x"), let count = Int(term.dropFirst(2)) { return Array(repeating: .omitted, count: count) }
        guard let times = term.lastIndex(of: "x"), let count = Int(term[term.index(after: times)...]) else {
            guard let value = parseNumber(term) else { throw Invalid(description: "bad value \(term)") }
            return [.number(value)]
        }
        let body = String(term[..<times])
        // The sign separating start and increment is the first + or - after the first character
        // that does not follow an exponent marker.
        let characters = Array(body)
        var split: Int?
        for index in characters.indices.dropFirst() where (characters[index] == "+" || characters[index] == "-") && characters[index - 1].lowercased() != "e" {
            split = index
            break
        }
        let start: Double, increment: Double
        if let split {
            guard let first = parseNumber(String(characters[..<split])), let step = parseNumber(String(characters[(split + 1)...])) else {
                throw Invalid(description: "bad value \(term)")
            }
            start = first
            increment = characters[split] == "-" ? -step : step
        } else {
            guard let first = parseNumber(body) else { throw Invalid(description: "bad value \(term)") }
            start = first
            increment = 0
        }
        var values: [Value] = []
        var current = start
        for _ in 0...count {
            values.append(.number(current))
            current += increment
        }
        return values
    }

    /// Go's ParseInt(s, 0, 64) falling back to ParseFloat, as the test scripts read numbers.
    public static func parseNumber(_ text: String) -> Double? {
        var body = Substring(text)
        var sign = 1.0
        if body.hasPrefix("-") || body.hasPrefix("+") {
            sign = body.hasPrefix("-") ? -1 : 1
            body = body.dropFirst()
        }
        if body.lowercased().hasPrefix("0x"), let value = UInt64(body.dropFirst(2), radix: 16) { return sign * Double(value) }
        return parseGoFloat(text)
    }
}

extension String {
    var trimmingBlanks: Substring {
        let start = firstIndex(where: { !$0.isWhitespace }) ?? endIndex
        let end = lastIndex(where: { !$0.isWhitespace }).map { index(after: $0) } ?? start
        return self[start..<max(start, end)]
    }
}
