import LanternSupport

/// Splits a PromQL query into tokens. Works on UTF-8 bytes so positions are byte offsets,
/// which is what Prometheus reports in its error messages.
struct Lexer {
    private let bytes: [UInt8]
    private let query: String
    private var offset = 0
    /// Inside `{...}` every word is a label name, never a keyword.
    private var braceDepth = 0
    /// Inside `[...]` a ':' separates a subquery's range and step.
    private var bracketDepth = 0
    private var parenDepth = 0

    init(_ query: String) {
        self.query = query
        self.bytes = Array(query.utf8)
    }

    /// All tokens up to the end of input or the first lexical error, which becomes the last token.
    mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        while true {
            do {
                let token = try next()
                tokens.append(token)
                if token.kind == .endOfInput { return tokens }
            } catch {
                tokens.append(Token(kind: .error, text: error.message, range: error.range))
                return tokens
            }
        }
    }

    private struct LexError: Error {
        let message: String
        let range: PositionRange
    }

    private func error(_ message: String, at start: Int) -> LexError {
        LexError(message: message, range: PositionRange(start: start, end: start + 1))
    }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        offset + ahead < bytes.count ? bytes[offset + ahead] : nil
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private mutating func next() throws(LexError) -> Token {
        skipSpaceAndComments()
        let start = offset
        guard let byte = peek() else {
            if braceDepth > 0 { throw error("unexpected end of input inside braces", at: start) }
            if bracketDepth > 0 { throw error("unclosed left bracket", at: start) }
            if parenDepth > 0 { throw error("unclosed left parenthesis", at: start) }
            return Token(kind: .endOfInput, text: "", range: PositionRange(start: start, end: start))
        }
        func make(_ kind: Token.Kind, length: Int) -> Token {
            offset = start + length
            return Token(kind: kind, text: text(start, start + length), range: PositionRange(start: start, end: start + length))
        }
        switch byte {
        case UInt8(ascii: "("):
            parenDepth += 1
            return make(.leftParen, length: 1)
        case UInt8(ascii: ")"):
            // Prometheus reports a stray ')' just after it.
            if parenDepth == 0 { throw error("unexpected right parenthesis ')'", at: start + 1) }
            parenDepth -= 1
            return make(.rightParen, length: 1)
        case UInt8(ascii: "{"):
            braceDepth += 1
            return make(.leftBrace, length: 1)
        case UInt8(ascii: "}"):
            if braceDepth == 0 { throw error("unexpected right brace '}'", at: start) }
            braceDepth -= 1
            return make(.rightBrace, length: 1)
        case UInt8(ascii: "["):
            bracketDepth += 1
            return make(.leftBracket, length: 1)
        case UInt8(ascii: "]"):
            if bracketDepth == 0 { throw error("unexpected right bracket ']'", at: start) }
            bracketDepth -= 1
            return make(.rightBracket, length: 1)
        case UInt8(ascii: ","): return make(.comma, length: 1)
        case UInt8(ascii: ":") where bracketDepth > 0: return make(.colon, length: 1)
        case UInt8(ascii: "@"): return make(.at, length: 1)
        case UInt8(ascii: "+"): return make(.binaryOperator(.add), length: 1)
        case UInt8(ascii: "-"): return make(.binaryOperator(.subtract), length: 1)
        case UInt8(ascii: "*"): return make(.binaryOperator(.multiply), length: 1)
        case UInt8(ascii: "/"): return make(.binaryOperator(.divide), length: 1)
        case UInt8(ascii: "%"): return make(.binaryOperator(.modulo), length: 1)
        case UInt8(ascii: "^"): return make(.binaryOperator(.power), length: 1)
        case UInt8(ascii: "="):
            if peek(1) == UInt8(ascii: "=") { return make(.binaryOperator(.equal), length: 2) }
            if peek(1) == UInt8(ascii: "~") { return make(.matchOperator(.regexMatch), length: 2) }
            return make(.assign, length: 1)
        case UInt8(ascii: "!"):
            if peek(1) == UInt8(ascii: "=") {
                return braceDepth > 0 ? make(.matchOperator(.notEqual), length: 2) : make(.binaryOperator(.notEqual), length: 2)
            }
            if peek(1) == UInt8(ascii: "~") { return make(.matchOperator(.regexNoMatch), length: 2) }
            throw error("unexpected character after '!': \(describe(peek(1)))", at: start)
        case UInt8(ascii: "<"):
            if peek(1) == UInt8(ascii: "=") { return make(.binaryOperator(.lessOrEqual), length: 2) }
            return make(.binaryOperator(.less), length: 1)
        case UInt8(ascii: ">"):
            if peek(1) == UInt8(ascii: "=") { return make(.binaryOperator(.greaterOrEqual), length: 2) }
            return make(.binaryOperator(.greater), length: 1)
        case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"):
            return try lexString(quote: byte)
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."):
            return try lexNumberOrDuration()
        default:
            if isIdentifierStart(byte) { return lexWord() }
            throw error("unexpected character: \(describe(byte))", at: start)
        }
    }

    private func describe(_ byte: UInt8?) -> String {
        guard let byte else { return "end of input" }
        if byte < 0x80 { return "'\(Character(Unicode.Scalar(byte)))'" }
        // Decode the whole scalar for the message, as Go prints runes.
        var end = offset
        while end < bytes.count && end - offset < 4 {
            end += 1
            if let scalar = String(validating: bytes[offset..<end], as: UTF8.self) { return "'\(scalar)'" }
        }
        return "'\u{FFFD}'"
    }

    /// Go's `%U` of the character at `byte`: U+0071.
    private func unicodeName(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    private mutating func skipSpaceAndComments() {
        while let byte = peek() {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                offset += 1
            } else if byte == UInt8(ascii: "#") {
                while let c = peek(), c != UInt8(ascii: "\n") { offset += 1 }
            } else {
                return
            }
        }
    }

    private func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":")
    }

    private func isIdentifierByte(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    private mutating func lexWord() -> Token {
        let start = offset
        while let byte = peek(), isIdentifierByte(byte) { offset += 1 }
        let word = text(start, offset)
        let range = PositionRange(start: start, end: offset)
        if braceDepth > 0 { return Token(kind: .identifier, text: word, range: range) }
        let lower = word.lowercased()
        if lower == "inf" || lower == "nan" { return Token(kind: .number, text: word, range: range) }
        if let op = BinaryOperator.keywordOperators[lower] { return Token(kind: .binaryOperator(op), text: word, range: range) }
        if let keyword = Keyword(rawValue: lower) { return Token(kind: .keyword(keyword), text: word, range: range) }
        if let aggregation = AggregationOperator(rawValue: lower) { return Token(kind: .aggregator(aggregation), text: word, range: range) }
        let kind: Token.Kind = word.utf8.contains(UInt8(ascii: ":")) ? .metricIdentifier : .identifier
        return Token(kind: kind, text: word, range: range)
    }

    private mutating func lexNumberOrDuration() throws(LexError) -> Token {
        let start = offset
        if peek() == UInt8(ascii: "0"), let x = peek(1), x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
            offset += 2
            while let byte = peek(), byte.isHexDigit { offset += 1 }
            return Token(kind: .number, text: text(start, offset), range: PositionRange(start: start, end: offset))
        }
        scanDecimal()
        if let byte = peek(), durationUnitLength(at: offset) > 0, !(byte == UInt8(ascii: "e") && isExponent(at: offset)) {
            offset = start
            while true {
                while let byte = peek(), byte.isDigit { offset += 1 }
                let unit = durationUnitLength(at: offset)
                guard unit > 0 else { break }
                offset += unit
                guard let byte = peek(), byte.isDigit else { break }
            }
            if let byte = peek(), byte != UInt8(ascii: ":"), isIdentifierByte(byte) || byte == UInt8(ascii: ".") {
                throw error("bad number or duration syntax: \(goQuote(text(start, offset)))", at: start)
            }
            return Token(kind: .duration, text: text(start, offset), range: PositionRange(start: start, end: offset))
        }
        if let byte = peek(), byte != UInt8(ascii: ":"), isIdentifierByte(byte) || byte == UInt8(ascii: ".") {
            throw error("bad number or duration syntax: \(goQuote(text(start, offset)))", at: start)
        }
        return Token(kind: .number, text: text(start, offset), range: PositionRange(start: start, end: offset))
    }

    private mutating func scanDecimal() {
        while let byte = peek(), byte.isDigit { offset += 1 }
        if peek() == UInt8(ascii: ".") {
            offset += 1
            while let byte = peek(), byte.isDigit { offset += 1 }
        }
        if let byte = peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E"), isExponent(at: offset) {
            offset += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { offset += 1 }
            while let byte = peek(), byte.isDigit { offset += 1 }
        }
    }

    /// `e` starts an exponent only when digits (optionally signed) follow.
    private func isExponent(at index: Int) -> Bool {
        var next = index + 1
        if next < bytes.count, bytes[next] == UInt8(ascii: "+") || bytes[next] == UInt8(ascii: "-") { next += 1 }
        return next < bytes.count && bytes[next].isDigit
    }

    /// Length of a duration unit (ms, s, m, h, d, w, y) at `index`, or 0.
    private func durationUnitLength(at index: Int) -> Int {
        guard index < bytes.count else { return 0 }
        let byte = bytes[index]
        if byte == UInt8(ascii: "m"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "s") { return 2 }
        return "smhdwy".utf8.contains(byte) ? 1 : 0
    }

    private mutating func lexString(quote: UInt8) throws(LexError) -> Token {
        let start = offset
        offset += 1
        var value: [UInt8] = []
        while true {
            guard let byte = peek() else { throw error("unterminated quoted string", at: start) }
            offset += 1
            if byte == quote { break }
            if quote == UInt8(ascii: "`") {
                value.append(byte)
                continue
            }
            if byte == UInt8(ascii: "\n") { throw error("unterminated quoted string", at: start) }
            if byte != UInt8(ascii: "\\") {
                value.append(byte)
                continue
            }
            try appendEscape(to: &value, quote: quote, stringStart: start)
        }
        return Token(kind: .string, text: text(start, offset), range: PositionRange(start: start, end: offset), value: String(decoding: value, as: UTF8.self))
    }

    /// Go's string-literal escapes, the ones PromQL accepts.
    private mutating func appendEscape(to value: inout [UInt8], quote: UInt8, stringStart escapeStart: Int) throws(LexError) {
        guard let byte = peek() else { throw error("escape sequence not terminated", at: escapeStart) }
        offset += 1
        switch byte {
        case UInt8(ascii: "a"): value.append(0x07)
        case UInt8(ascii: "b"): value.append(0x08)
        case UInt8(ascii: "f"): value.append(0x0C)
        case UInt8(ascii: "n"): value.append(0x0A)
        case UInt8(ascii: "r"): value.append(0x0D)
        case UInt8(ascii: "t"): value.append(0x09)
        case UInt8(ascii: "v"): value.append(0x0B)
        case UInt8(ascii: "\\"): value.append(byte)
        case quote: value.append(byte)
        case UInt8(ascii: "x"): value.append(UInt8(try hexDigits(2, escapeStart)))
        case UInt8(ascii: "u"): value.append(contentsOf: try scalarBytes(hexDigits(4, escapeStart), escapeStart))
        case UInt8(ascii: "U"): value.append(contentsOf: try scalarBytes(hexDigits(8, escapeStart), escapeStart))
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            var code = UInt32(byte - UInt8(ascii: "0"))
            for _ in 0..<2 {
                guard let digit = peek(), digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "7") else {
                    throw error("illegal character in escape sequence", at: escapeStart)
                }
                code = code * 8 + UInt32(digit - UInt8(ascii: "0"))
                offset += 1
            }
            guard code <= 255 else { throw error("octal escape value > 255: \(code)", at: escapeStart) }
            value.append(UInt8(code))
        default:
            offset -= 1
            throw error("unknown escape sequence \(unicodeName(byte)) \(describe(byte))", at: escapeStart)
        }
    }

    private mutating func hexDigits(_ count: Int, _ escapeStart: Int) throws(LexError) -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<count {
            guard let digit = peek(), let nibble = digit.hexValue else {
                throw error("illegal character in escape sequence", at: escapeStart)
            }
            code = code * 16 + UInt32(nibble)
            offset += 1
        }
        return code
    }

    private func scalarBytes(_ code: UInt32, _ escapeStart: Int) throws(LexError) -> [UInt8] {
        guard let scalar = Unicode.Scalar(code) else { throw error("escape sequence is an invalid Unicode code point", at: escapeStart) }
        return Array(String(Character(scalar)).utf8)
    }
}

extension UInt8 {
    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    var isHexDigit: Bool { hexValue != nil }
    var hexValue: UInt8? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return self - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return self - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return self - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
