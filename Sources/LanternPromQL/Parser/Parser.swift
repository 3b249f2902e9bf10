import LanternMetrics
import LanternSupport

/// Recursive-descent PromQL parser: precedence climbing for binary operators, postfix
/// modifiers (`[range]`, `[range:step]`, `offset`, `@`) on primary expressions, and
/// Prometheus's type checks with its error messages.
public struct Parser {
    private let query: String
    private var tokens: [Token] = []
    private var index = 0
    /// Nesting of sub-expressions; bounded so hostile input cannot exhaust the stack.
    private var depth = 0
    private static let maximumDepth = 500

    /// Parses and type-checks `query`.
    public static func parse(_ query: String) throws(ParseError) -> Expr {
        var parser = Parser(query: query)
        var lexer = Lexer(query)
        parser.tokens = lexer.tokenize()
        if parser.current.kind == .endOfInput {
            throw ParseError("no expression found in input", at: nil, in: query)
        }
        let expr = try parser.parseExpression(minimumPrecedence: 0)
        if parser.current.kind != .endOfInput {
            throw parser.unexpected(parser.current)
        }
        return expr
    }

    /// Parses a series selector alone (`up{job="api"}`), as `match[]` of the series and
    /// label API endpoints takes it, into its matchers.
    public static func parseMatchers(_ selector: String) throws(ParseError) -> [LabelMatcher] {
        var parser = Parser(query: selector)
        var lexer = Lexer(selector)
        parser.tokens = lexer.tokenize()
        let start = parser.current
        let parsed: VectorSelector
        switch start.kind {
        case .endOfInput: throw ParseError("unexpected end of input", at: nil, in: selector)
        case .leftBrace: parsed = try parser.parseSelector(name: nil, start: start.range)
        case .identifier, .metricIdentifier, .aggregator, .keyword:
            parser.advance()
            parsed = try parser.parseSelector(name: start.text, start: start.range)
        default: throw parser.unexpected(start)
        }
        if parser.current.kind != .endOfInput { throw parser.unexpected(parser.current) }
        return parsed.matchers
    }

    private init(query: String) { self.query = query }

    // MARK: Token handling

    private var current: Token { tokens[index] }
    private var following: Token { tokens[min(index + 1, tokens.count - 1)] }

    @discardableResult
    private mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    func error(_ message: String, _ position: PositionRange, experimental: Bool = false) -> ParseError {
        ParseError(message, at: position, in: query, experimental: experimental)
    }

    /// The error for a token the grammar does not allow here; a lexical error token
    /// reports itself.
    private func unexpected(_ token: Token, context: String = "") -> ParseError {
        if token.kind == .error { return error(token.text, token.range) }
        var message = "unexpected \(token.description)"
        if !context.isEmpty { message += " \(context)" }
        return error(message, token.range)
    }

    private mutating func expect(_ kind: Token.Kind, context: String) throws(ParseError) -> Token {
        guard current.kind == kind else { throw unexpected(current, context: context) }
        return advance()
    }

    // MARK: Expressions

    private mutating func parseExpression(minimumPrecedence: Int) throws(ParseError) -> Expr {
        // Each operator of a chain nests the tree one level deeper, like a parenthesis.
        var levels = 1
        depth += 1
        defer { depth -= levels }
        if depth > Parser.maximumDepth { throw error("expression nested too deeply", current.range) }
        var lhs = try parseUnary()
        while case .binaryOperator(let op) = current.kind, op.precedence >= minimumPrecedence {
            levels += 1
            depth += 1
            if depth > Parser.maximumDepth { throw error("expression nested too deeply", current.range) }
            let operatorRange = advance().range
            let (returnBool, matching) = try parseBinaryModifiers(op)
            let rhs = try parseExpression(minimumPrecedence: op.isRightAssociative ? op.precedence : op.precedence + 1)
            lhs = try checkedBinary(BinaryExpr(op: op, lhs: lhs, rhs: rhs, returnBool: returnBool, matching: matching), operatorRange: operatorRange)
        }
        return lhs
    }

    private mutating func parseUnary() throws(ParseError) -> Expr {
        guard case .binaryOperator(let op) = current.kind, op == .add || op == .subtract else {
            return try parsePostfix(parsePrimary())
        }
        let start = advance().range
        // Unary minus binds like `*`: tighter than `+`, looser than `^`.
        let operand = try parseExpression(minimumPrecedence: BinaryOperator.power.precedence)
        let position = start.merged(with: operand.position)
        guard operand.type == .scalar || operand.type == .vector else {
            throw error("unary expression only allowed on expressions of type scalar or instant vector, got \(goQuote(operand.type.rawValue))", position)
        }
        if case .number(var literal) = operand {
            if op == .subtract { literal.value = -literal.value }
            literal.position = position
            return .number(literal)
        }
        return .unary(UnaryExpr(negate: op == .subtract, operand: operand, position: position))
    }

    private mutating func parseBinaryModifiers(_ op: BinaryOperator) throws(ParseError) -> (Bool, VectorMatching) {
        var returnBool = false
        if current.kind == .keyword(.bool) {
            advance()
            returnBool = true
        }
        var matching = VectorMatching()
        if current.kind == .keyword(.on) || current.kind == .keyword(.ignoring) {
            matching.on = current.kind == .keyword(.on)
            advance()
            matching.labels = try parseLabelList()
            if current.kind == .keyword(.groupLeft) || current.kind == .keyword(.groupRight) {
                matching.cardinality = advance().kind == .keyword(.groupLeft) ? .manyToOne : .oneToMany
                if current.kind == .leftParen { matching.include = try parseLabelList() }
            }
        }
        return (returnBool, matching)
    }

    /// Prometheus's checks, in its order, at its positions: the operator for modifier
    /// misuse, the offending operand for its type, the whole expression otherwise.
    private func checkedBinary(_ binary: BinaryExpr, operatorRange: PositionRange) throws(ParseError) -> Expr {
        let position = binary.lhs.position.merged(with: binary.rhs.position)
        let lhsType = binary.lhs.type, rhsType = binary.rhs.type
        var result = binary
        if binary.returnBool && !binary.op.isComparison {
            throw error("bool modifier can only be used on comparison operators", operatorRange)
        }
        if binary.op.isComparison && lhsType == .scalar && rhsType == .scalar && !binary.returnBool {
            throw error("comparisons between scalars must use BOOL modifier", operatorRange)
        }
        if var matching = result.matching {
            if binary.op.isSetOperator && matching.cardinality == .oneToOne { matching.cardinality = .manyToMany }
            for label in matching.include where matching.on && matching.labels.contains(label) {
                throw error("label \(goQuote(label)) must not occur in ON and GROUP clause at once", operatorRange)
            }
            result.matching = matching
        }
        if lhsType != .scalar && lhsType != .vector {
            throw error("binary expression must contain only scalar and instant vector types", binary.lhs.position)
        }
        if rhsType != .scalar && rhsType != .vector {
            throw error("binary expression must contain only scalar and instant vector types", binary.rhs.position)
        }
        if lhsType != .vector || rhsType != .vector {
            if let matching = result.matching, !matching.labels.isEmpty {
                throw error("vector matching only allowed between instant vectors", position)
            }
            result.matching = nil
        } else if binary.op.isSetOperator, let matching = result.matching,
                  matching.cardinality == .manyToOne || matching.cardinality == .oneToMany {
            throw error("no grouping allowed for \(goQuote(binary.op.rawValue)) operation", position)
        }
        if binary.op.isSetOperator && (lhsType == .scalar || rhsType == .scalar) {
            throw error("set operator \(goQuote(binary.op.rawValue)) not allowed in binary scalar expression", position)
        }
        return .binary(result)
    }

    // MARK: Primary expressions

    private mutating func parsePrimary() throws(ParseError) -> Expr {
        let token = current
        switch token.kind {
        case .number:
            advance()
            return .number(NumberLiteral(value: try parseNumber(token), position: token.range))
        case .duration:
            advance()
            let milliseconds = try durationValue(token)
            return .number(NumberLiteral(value: Double(milliseconds) / 1000, position: token.range))
        case .string:
            advance()
            return .string(StringLiteral(value: token.value, position: token.range))
        case .leftParen:
            advance()
            let inner = try parseExpression(minimumPrecedence: 0)
            let close = try expect(.rightParen, context: "in paren expression")
            return .parenthesized(inner, token.range.merged(with: close.range))
        case .leftBrace:
            return .vectorSelector(try parseSelector(name: nil, start: token.range))
        case .identifier where following.kind == .leftParen:
            return try parseCall()
        case .identifier, .metricIdentifier:
            advance()
            return .vectorSelector(try parseSelector(name: token.text, start: token.range))
        case .aggregator(let op) where following.kind == .leftParen || following.kind == .keyword(.by) || following.kind == .keyword(.without):
            return try parseAggregation(op)
        case .aggregator, .keyword(.by), .keyword(.without), .keyword(.offset):
            // Prometheus lets these words name metrics where no aggregation or modifier fits.
            advance()
            return .vectorSelector(try parseSelector(name: token.text, start: token.range))
        case .binaryOperator(let op) where op.isSetOperator:
            advance()
            return .vectorSelector(try parseSelector(name: token.text, start: token.range))
        case .endOfInput:
            throw error("unexpected end of input", token.range)
        default:
            throw unexpected(token)
        }
    }

    private func parseNumber(_ token: Token) throws(ParseError) -> Double {
        let text = token.text.lowercased()
        if text == "inf" { return .infinity }
        if text == "nan" { return .nan }
        if text.hasPrefix("0x"), let value = UInt64(text.dropFirst(2), radix: 16) { return Double(value) }
        // Go's ParseInt(s, 0, 64) reads a leading 0 as octal.
        if text.count > 1, text.hasPrefix("0"), text.allSatisfy(\.isNumber), let value = UInt64(text.dropFirst(), radix: 8) {
            return Double(value)
        }
        guard let value = Double(text) else { throw error("bad number or duration syntax: \(goQuote(token.text))", token.range) }
        return value
    }

    /// Seconds as whole milliseconds; nil when not finite or out of Int64's range.
    private static func milliseconds(_ seconds: Double) -> Int64? {
        let milliseconds = (seconds * 1000).rounded()
        guard milliseconds.isFinite, abs(milliseconds) < 9.2e18 else { return nil }
        return Int64(milliseconds)
    }

    private func durationValue(_ token: Token) throws(ParseError) -> Int64 {
        guard let milliseconds = Duration.milliseconds(token.text) else {
            throw error("bad duration syntax: \(goQuote(token.text))", token.range)
        }
        return milliseconds
    }

    /// A duration in brackets or after `offset`: a duration literal or a number of seconds.
    private mutating func parseDuration(context: String) throws(ParseError) -> Int64 {
        let token = current
        switch token.kind {
        case .duration:
            advance()
            return try durationValue(token)
        case .number:
            advance()
            let seconds = try parseNumber(token)
            guard let milliseconds = Parser.milliseconds(seconds) else {
                throw error("bad number or duration syntax: \(goQuote(token.text))", token.range)
            }
            return milliseconds
        case .binaryOperator, .leftParen, .identifier:
            // Duration arithmetic (`[5m * 2]`, `[step()]`) is an experimental Prometheus feature.
            throw error("unexpected \(token.description) \(context)", token.range, experimental: true)
        default:
            throw unexpected(token, context: context)
        }
    }

    private mutating func parseCall() throws(ParseError) -> Expr {
        let nameToken = advance()
        guard let function = FunctionSignature.named(nameToken.text) else {
            throw error("unknown function with name \(goQuote(nameToken.text))", nameToken.range)
        }
        advance()  // "("
        var args: [Expr] = []
        while current.kind != .rightParen {
            args.append(try parseExpression(minimumPrecedence: 0))
            guard current.kind == .comma else { break }
            let comma = advance()
            if current.kind == .rightParen { throw error("trailing commas not allowed in function call args", comma.range) }
        }
        let close = try expect(.rightParen, context: "in function call")
        let position = nameToken.range.merged(with: close.range)
        if function.experimental {
            throw error("function \(goQuote(function.name)) is not enabled", position, experimental: true)
        }
        try checkArguments(function, args, position)
        return .call(Call(function: function, args: args, position: position))
    }

    private func checkArguments(_ function: FunctionSignature, _ args: [Expr], _ position: PositionRange) throws(ParseError) {
        if function.variadic == 0 && args.count != function.argTypes.count {
            throw error("expected \(function.argTypes.count) argument(s) in call to \(goQuote(function.name)), got \(args.count)", position)
        }
        if function.variadic != 0 {
            let minimum = function.argTypes.count - 1
            if args.count < minimum {
                throw error("expected at least \(minimum) argument(s) in call to \(goQuote(function.name)), got \(args.count)", position)
            }
            if function.variadic > 0 && args.count > minimum + function.variadic {
                throw error("expected at most \(minimum + function.variadic) argument(s) in call to \(goQuote(function.name)), got \(args.count)", position)
            }
        }
        for (offset, arg) in args.enumerated() {
            let expected = offset < function.argTypes.count ? function.argTypes[offset] : function.argTypes[function.argTypes.count - 1]
            if arg.type != expected {
                throw error("expected type \(expected.rawValue) in call to function \(goQuote(function.name)), got \(arg.type.rawValue)", arg.position)
            }
        }
    }

    private mutating func parseAggregation(_ op: AggregationOperator) throws(ParseError) -> Expr {
        let opToken = advance()
        if op.isExperimental {
            throw error("limitk() and limit_ratio() are experimental and must be enabled with --enable-feature=promql-experimental-functions", opToken.range, experimental: true)
        }
        var grouping: [String] = []
        var without = false
        var sawGrouping = false
        if current.kind == .keyword(.by) || current.kind == .keyword(.without) {
            without = current.kind == .keyword(.without)
            advance()
            grouping = try parseLabelList()
            sawGrouping = true
        }
        _ = try expect(.leftParen, context: "in aggregation")
        var args: [Expr] = []
        while current.kind != .rightParen {
            args.append(try parseExpression(minimumPrecedence: 0))
            guard current.kind == .comma else { break }
            advance()
        }
        var close = try expect(.rightParen, context: "in aggregation")
        if !sawGrouping, current.kind == .keyword(.by) || current.kind == .keyword(.without) {
            without = current.kind == .keyword(.without)
            close = advance()
            grouping = try parseLabelList()
            close = tokens[index - 1]
        }
        let position = opToken.range.merged(with: close.range)
        if args.isEmpty { throw error("no arguments for aggregate expression provided", position) }
        let expectedCount = op.takesParameter ? 2 : 1
        guard args.count == expectedCount else {
            throw error("wrong number of arguments for aggregate expression provided, expected \(expectedCount), got \(args.count)", position)
        }
        let expr = args[args.count - 1]
        let parameter = op.takesParameter ? args[0] : nil
        if expr.type != .vector {
            throw error("expected type instant vector in aggregation expression, got \(expr.type.rawValue)", expr.position)
        }
        if let parameter {
            let expected: ValueType = op == .countValues ? .string : .scalar
            if parameter.type != expected {
                throw error("expected type \(expected.rawValue) in aggregation parameter, got \(parameter.type.rawValue)", parameter.position)
            }
        }
        return .aggregation(Aggregation(op: op, expr: expr, parameter: parameter, grouping: grouping, without: without, position: position))
    }

    /// `(a, b, ...)` after by/without/on/ignoring/group_*; any word or quoted name is a label.
    private mutating func parseLabelList() throws(ParseError) -> [String] {
        _ = try expect(.leftParen, context: "in grouping opts, expected \"(\"")
        var labels: [String] = []
        while current.kind != .rightParen {
            let token = current
            switch token.kind {
            case .identifier, .keyword, .aggregator:
                labels.append(token.text)
            case .string:
                labels.append(token.value)
            case .binaryOperator(let op) where BinaryOperator.keywordOperators[token.text.lowercased()] == op:
                labels.append(token.text)
            case .number where token.text.lowercased() == "inf" || token.text.lowercased() == "nan":
                labels.append(token.text)
            default:
                throw unexpected(token, context: "in grouping opts, expected label")
            }
            advance()
            if current.kind == .comma {
                advance()
            } else if current.kind != .rightParen {
                throw unexpected(current, context: "in grouping opts, expected \",\" or \")\"")
            }
        }
        advance()
        return labels
    }

    // MARK: Selectors

    private mutating func parseSelector(name: String?, start: PositionRange) throws(ParseError) -> VectorSelector {
        var matchers: [LabelMatcher] = []
        var metricName = name
        var end = start
        if current.kind == .leftBrace {
            advance()
            while current.kind != .rightBrace {
                let nameToken = current
                switch nameToken.kind {
                case .identifier, .string: advance()
                case .endOfInput: throw error("unexpected end of input inside braces", nameToken.range)
                default: throw unexpected(nameToken, context: "in label matching, expected identifier or \"}\"")
                }
                if nameToken.kind == .string, current.kind == .comma || current.kind == .rightBrace {
                    // `{"metric.name"}`: a lone quoted string names the metric.
                    if let existing = metricName {
                        throw error("metric name must not be set twice: \(goQuote(existing)) or \(goQuote(nameToken.value))", nameToken.range)
                    }
                    metricName = nameToken.value
                } else {
                    matchers.append(try parseMatcher(label: nameToken))
                }
                if current.kind == .comma {
                    advance()
                } else if current.kind != .rightBrace {
                    throw unexpected(current, context: "in label matching, expected \",\" or \"}\"")
                }
            }
            end = advance().range
        }
        let position = start.merged(with: end)
        if let metricName {
            if name != nil, let other = matchers.first(where: { $0.name == Labels.metricName }) {
                throw error("metric name must not be set twice: \(goQuote(metricName)) or \(goQuote(other.value))", position)
            }
            matchers.insert(try! LabelMatcher(.equal, Labels.metricName, metricName), at: 0)
        }
        if matchers.allSatisfy(\.matchesEmpty) {
            throw error("vector selector must contain at least one non-empty matcher", position)
        }
        return VectorSelector(name: metricName, matchers: matchers, position: position)
    }

    private mutating func parseMatcher(label: Token) throws(ParseError) -> LabelMatcher {
        let opToken = current
        let kind: LabelMatcher.Kind
        switch opToken.kind {
        case .assign: kind = .equal
        case .matchOperator(let matchKind): kind = matchKind
        default: throw unexpected(opToken, context: "in label matching, expected label matching operator")
        }
        advance()
        let valueToken = current
        guard valueToken.kind == .string else {
            throw unexpected(valueToken, context: "in label matching, expected string")
        }
        advance()
        do {
            return try LabelMatcher(kind, label.value, valueToken.value)
        } catch {
            throw self.error("error parsing regexp: \(error.reason)", label.range)
        }
    }

    // MARK: Postfix modifiers

    private mutating func parsePostfix(_ primary: Expr) throws(ParseError) -> Expr {
        var expr = primary
        while true {
            switch current.kind {
            case .leftBracket: expr = try parseRange(on: expr)
            case .keyword(.offset): expr = try parseOffset(on: expr)
            case .at: expr = try parseAt(on: expr)
            default: return expr
            }
        }
    }

    private mutating func parseRange(on expr: Expr) throws(ParseError) -> Expr {
        let open = advance()
        let durationRange = current.range
        let range = try parseDuration(context: "in subquery or range selector")
        if current.kind == .colon {
            advance()
            var step: Int64 = 0
            if current.kind != .rightBracket { step = try parseDuration(context: "in subquery") }
            let close = try expect(.rightBracket, context: "in subquery")
            let position = expr.position.merged(with: close.range)
            guard expr.type == .vector else {
                throw error("subquery is only allowed on instant vector, got \(expr.type.rawValue) instead", position)
            }
            if range <= 0 { throw error("duration must be greater than 0", durationRange) }
            return .subquery(Subquery(expr: expr, range: range, step: step, position: position))
        }
        let close = try expect(.rightBracket, context: "in subquery or range selector")
        guard case .vectorSelector(let selector) = expr else {
            throw error("ranges only allowed for vector selectors", open.range.merged(with: close.range))
        }
        if range <= 0 { throw error("duration must be greater than 0", durationRange) }
        return .matrixSelector(MatrixSelector(selector: selector, range: range, position: expr.position.merged(with: close.range)))
    }

    private mutating func parseOffset(on expr: Expr) throws(ParseError) -> Expr {
        advance()
        var negative = false
        if case .binaryOperator(let op) = current.kind, op == .subtract || op == .add {
            negative = op == .subtract
            advance()
        }
        var offset = try parseDuration(context: "in offset, expected duration")
        if negative { offset = -offset }
        let position = expr.position.merged(with: tokens[index - 1].range)
        let misplaced = "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery"
        switch expr {
        case .vectorSelector(var selector):
            if selector.offset != 0 { throw error("offset may not be set multiple times", expr.position) }
            selector.offset = offset
            selector.position = position
            return .vectorSelector(selector)
        case .matrixSelector(var matrix):
            if matrix.selector.offset != 0 { throw error("offset may not be set multiple times", expr.position) }
            matrix.selector.offset = offset
            matrix.position = position
            return .matrixSelector(matrix)
        case .subquery(var subquery):
            if subquery.offset != 0 { throw error("offset may not be set multiple times", expr.position) }
            subquery.offset = offset
            subquery.position = position
            return .subquery(subquery)
        default:
            throw error(misplaced, position)
        }
    }

    private mutating func parseAt(on expr: Expr) throws(ParseError) -> Expr {
        advance()
        let modifier: AtModifier
        let token = current
        if token.kind == .identifier, token.text == "start" || token.text == "end", following.kind == .leftParen {
            advance()
            advance()
            _ = try expect(.rightParen, context: "in @")
            modifier = token.text == "start" ? .start : .end
        } else {
            var sign = 1.0
            if case .binaryOperator(let op) = current.kind, op == .subtract || op == .add {
                sign = op == .subtract ? -1 : 1
                advance()
            }
            let numberToken = current
            let seconds: Double
            switch numberToken.kind {
            case .number: seconds = sign * (try parseNumber(numberToken))
            case .duration: seconds = sign * Double(try durationValue(numberToken)) / 1000
            default: throw unexpected(numberToken, context: "in @, expected timestamp")
            }
            advance()
            guard let milliseconds = Parser.milliseconds(seconds) else {
                throw error("timestamp out of bounds for @ modifier: \(GoFloat.format(seconds))", numberToken.range)
            }
            modifier = .timestamp(milliseconds)
        }
        let position = expr.position.merged(with: tokens[index - 1].range)
        switch expr {
        case .vectorSelector(var selector):
            if selector.at != nil { throw error("@ <timestamp> may not be set multiple times", expr.position) }
            selector.at = modifier
            return .vectorSelector(selector)
        case .matrixSelector(var matrix):
            if matrix.selector.at != nil { throw error("@ <timestamp> may not be set multiple times", expr.position) }
            matrix.selector.at = modifier
            return .matrixSelector(matrix)
        case .subquery(var subquery):
            if subquery.at != nil { throw error("@ <timestamp> may not be set multiple times", expr.position) }
            subquery.at = modifier
            return .subquery(subquery)
        default:
            throw error("@ modifier must be preceded by an instant vector selector or range vector selector or a subquery", position)
        }
    }
}
