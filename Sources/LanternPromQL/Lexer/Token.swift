import LanternSupport

/// A lexical token of PromQL with its byte range in the query.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case identifier        // label names, function names, keywords not listed below
        case metricIdentifier  // an identifier containing ':'
        case number
        case duration
        case string
        case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket
        case comma, colon, assign, at
        case binaryOperator(BinaryOperator)
        case matchOperator(LabelMatcher.Kind)  // "!=" and "=~"/"!~"; "=" is `assign`
        case keyword(Keyword)
        case aggregator(AggregationOperator)
        case endOfInput
        /// A lexical error, reported when the parser reaches it (so earlier syntax errors win).
        case error
    }

    let kind: Kind
    /// The source text; for `.error`, the message.
    let text: String
    let range: PositionRange
    /// A string literal's unescaped content; otherwise the source text.
    let value: String

    init(kind: Kind, text: String, range: PositionRange, value: String? = nil) {
        self.kind = kind
        self.text = text
        self.range = range
        self.value = value ?? text
    }
}

/// Words with a fixed meaning in the grammar.
enum Keyword: String, Sendable {
    case by, without, on, ignoring
    case groupLeft = "group_left"
    case groupRight = "group_right"
    case bool, offset
}

extension Token {
    /// How Prometheus names a token in "unexpected ..." messages.
    var description: String {
        switch kind {
        case .endOfInput: return "end of input"
        case .error: return text
        case .identifier, .metricIdentifier: return "identifier \(goQuote(text))"
        case .number: return "number \(goQuote(text))"
        case .duration: return "duration \(goQuote(text))"
        case .string: return "string \(goQuote(text))"
        case .binaryOperator: return "<op:\(text)>"
        case .matchOperator: return "<op:\(text)>"
        case .keyword: return "<\(text)>"
        case .aggregator: return "<aggr:\(text)>"
        case .leftParen: return "\"(\""
        case .rightParen: return "\")\""
        case .leftBrace: return "\"{\""
        case .rightBrace: return "\"}\""
        case .leftBracket: return "\"[\""
        case .rightBracket: return "\"]\""
        case .comma: return "\",\""
        case .colon: return "\":\""
        case .assign: return "\"=\""
        case .at: return "\"@\""
        }
    }
}
