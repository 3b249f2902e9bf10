import LanternPromQL
import Testing

@Suite struct ParserTests {
    /// Renders the tree with explicit parentheses, to assert precedence and associativity.
    private func shape(_ query: String) throws -> String {
        func render(_ expr: Expr) -> String {
            switch expr {
            case .number(let literal): return GoFloatText.describe(literal.value)
            case .string(let literal): return "\"\(literal.value)\""
            case .vectorSelector(let selector): return selector.name ?? "{}"
            case .matrixSelector(let matrix): return "\(matrix.selector.name ?? "{}")[\(matrix.range)ms]"
            case .subquery(let subquery): return "(\(render(subquery.expr)))[\(subquery.range)ms:\(subquery.step)ms]"
            case .call(let call): return "\(call.function.name)(\(call.args.map(render).joined(separator: ", ")))"
            case .aggregation(let aggregation): return "\(aggregation.op.rawValue)(\(render(aggregation.expr)))"
            case .binary(let binary): return "(\(render(binary.lhs)) \(binary.op.rawValue) \(render(binary.rhs)))"
            case .unary(let unary): return "(-\(render(unary.operand)))"
            case .parenthesized(let inner, _): return render(inner)
            }
        }
        return render(try Parser.parse(query))
    }

    private func parseError(_ query: String) -> String? {
        do {
            _ = try Parser.parse(query)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func precedence() throws {
        #expect(try shape("a + b * c") == "(a + (b * c))")
        #expect(try shape("a * b + c") == "((a * b) + c)")
        #expect(try shape("a or b and c") == "(a or (b and c))")
        #expect(try shape("a and b unless c") == "((a and b) unless c)")
        #expect(try shape("a == b + c") == "(a == (b + c))")
        #expect(try shape("a + b or c > d") == "((a + b) or (c > d))")
        #expect(try shape("a atan2 b * c") == "((a atan2 b) * c)")
    }

    @Test func associativity() throws {
        #expect(try shape("a - b - c") == "((a - b) - c)")
        #expect(try shape("a / b / c") == "((a / b) / c)")
        #expect(try shape("a ^ b ^ c") == "(a ^ (b ^ c))")
    }

    @Test func unaryMinusBindsLooserThanPower() throws {
        #expect(try shape("-a ^ b") == "(-(a ^ b))")
        #expect(try shape("-a * b") == "((-a) * b)")
        #expect(try shape("-2 ^ 2") == "(-(2 ^ 2))")
        #expect(try shape("1 - -1") == "(1 - -1)")
    }

    @Test func selectorsAndModifiers() throws {
        guard case .matrixSelector(let matrix) = try Parser.parse(#"rate_total{job=~"a.*", env!="dev"}[5m] offset -1h @ 100"#) else {
            Issue.record("not a matrix selector")
            return
        }
        #expect(matrix.range == 300_000)
        #expect(matrix.selector.offset == -3_600_000)
        #expect(matrix.selector.at == .timestamp(100_000))
        #expect(matrix.selector.matchers.map(\.description) == [#"__name__="rate_total""#, #"job=~"a.*""#, #"env!="dev""#])
        guard case .subquery(let subquery) = try Parser.parse("max_over_time(x[5m])[1h:] @ end()") else {
            Issue.record("not a subquery")
            return
        }
        #expect(subquery.range == 3_600_000 && subquery.step == 0 && subquery.at == .end)
        #expect(try shape("sum by (job) (rate(x[1m]))") == "sum(rate(x[60000ms]))")
        #expect(try shape("topk(3, x) without (a)") == "topk(x)")
    }

    @Test func numberLiterals() throws {
        #expect(try shape("0x1F") == "31")
        #expect(try shape("1e3") == "1000")
        #expect(try shape(".5") == "0.5")
        #expect(try shape("Inf") == "+Inf")
        #expect(try shape("-inf") == "-Inf")
    }

    @Test func errorsCarryPrometheusPositionsAndWording() {
        let cases: [(String, String)] = [
            ("", "unknown position: parse error: no expression found in input"),
            ("1 +", "1:4: parse error: unexpected end of input"),
            ("x and", "1:6: parse error: unexpected end of input"),
            ("sum(\n  up\n) +", "3:4: parse error: unexpected end of input"),
            ("github stars", #"1:8: parse error: unexpected identifier "stars""#),
            ("(up", "1:4: parse error: unclosed left parenthesis"),
            ("sum(", "1:5: parse error: unclosed left parenthesis"),
            ("up)", "1:4: parse error: unexpected right parenthesis ')'"),
            ("up[7d", "1:6: parse error: unclosed left bracket"),
            (#"up{job="a""#, "1:11: parse error: unexpected end of input inside braces"),
            (#"up{a="b" c="d"}"#, #"1:10: parse error: unexpected identifier "c" in label matching, expected "," or "}""#),
            ("up{a=}", #"1:6: parse error: unexpected "}" in label matching, expected string"#),
            (#"x{a"b"}"#, #"1:4: parse error: unexpected string "\"b\"" in label matching, expected label matching operator"#),
            (#"x{a="\q"}"#, "1:5: parse error: unknown escape sequence U+0071 'q'"),
            (#"x{a="b}"#, "1:5: parse error: unterminated quoted string"),
            ("x § y", "1:3: parse error: unexpected character: '§'"),
            ("x = 1", #"1:3: parse error: unexpected "=""#),
            ("x !x", "1:3: parse error: unexpected character after '!': 'x'"),
            ("bool", "1:1: parse error: unexpected <bool>"),
            ("up[0s]", "1:4: parse error: duration must be greater than 0"),
            ("up[1x]", #"1:4: parse error: bad number or duration syntax: "1""#),
            ("rate(up)", #"1:6: parse error: expected type range vector in call to function "rate", got instant vector"#),
            ("rate(up[5m], 1)", #"1:1: parse error: expected 1 argument(s) in call to "rate", got 2"#),
            ("round(x, 1, 2)", #"1:1: parse error: expected at most 2 argument(s) in call to "round", got 3"#),
            ("time(x)", #"1:1: parse error: expected 0 argument(s) in call to "time", got 1"#),
            ("scalar(1)", #"1:8: parse error: expected type instant vector in call to function "scalar", got scalar"#),
            ("Rate(x[5m])", #"1:1: parse error: unknown function with name "Rate""#),
            ("rate(x[5m],)", "1:11: parse error: trailing commas not allowed in function call args"),
            ("sum()", "1:1: parse error: no arguments for aggregate expression provided"),
            ("sum(a, b)", "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 1, got 2"),
            ("sum by x (y)", #"1:8: parse error: unexpected identifier "x" in grouping opts, expected "(""#),
            ("sum by (1) (y)", #"1:9: parse error: unexpected number "1" in grouping opts, expected label"#),
            ("sum by (a b) (y)", #"1:11: parse error: unexpected identifier "b" in grouping opts, expected "," or ")""#),
            ("sum by (a) y", #"1:12: parse error: unexpected identifier "y" in aggregation"#),
            ("sum(x[5m])", "1:5: parse error: expected type instant vector in aggregation expression, got range vector"),
            ("1 == 2", "1:3: parse error: comparisons between scalars must use BOOL modifier"),
            ("up + bool 1", "1:4: parse error: bool modifier can only be used on comparison operators"),
            ("1 and 2", #"1:1: parse error: set operator "and" not allowed in binary scalar expression"#),
            ("a[5m] + b[5m]", "1:1: parse error: binary expression must contain only scalar and instant vector types"),
            (#""a" + 1"#, "1:1: parse error: binary expression must contain only scalar and instant vector types"),
            ("-x[5m]", #"1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "range vector""#),
            ("rate(x[5m])[5m]", "1:12: parse error: ranges only allowed for vector selectors"),
            ("(x)[5m]", "1:4: parse error: ranges only allowed for vector selectors"),
            ("x[5m] anchored", #"1:7: parse error: unexpected identifier "anchored""#),
            (#"{job=~".*"}"#, "1:1: parse error: vector selector must contain at least one non-empty matcher"),
            (#"up{__name__="x"}"#, #"1:1: parse error: metric name must not be set twice: "up" or "x""#),
            ("foo * on(a) group_left(a) bar", #"1:5: parse error: label "a" must not occur in ON and GROUP clause at once"#),
            ("foo and on(a) group_left bar", #"1:1: parse error: no grouping allowed for "and" operation"#),
            ("foo offset 1m offset 2m", "1:1: parse error: offset may not be set multiple times"),
            ("1 offset 1m", "1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery"),
        ]
        for (query, expected) in cases {
            #expect(parseError(query) == expected, "\(query)")
        }
    }

    @Test func keywordsCanNameMetrics() throws {
        #expect(try shape("sum{}") == "sum")
        #expect(try shape("by + 1") == "(by + 1)")
        #expect(try shape("SUM(x)") == "sum(x)")
        #expect(try shape("job:rate:5m") == "job:rate:5m")
        #expect(try shape("x[60]") == "x[60000ms]")
        #expect(try shape(#"x{a='b\'c'}"#) == "x")
    }

    @Test func experimentalFeaturesAreFlagged() {
        do {
            _ = try Parser.parse("sort_by_label(foo, \"a\")")
            Issue.record("expected an error")
        } catch {
            #expect(error.isExperimentalFeature)
            #expect(error.description == #"1:1: parse error: function "sort_by_label" is not enabled"#)
        }
    }
}

/// Prometheus prints special floats as +Inf, -Inf and NaN.
private enum GoFloatText {
    static func describe(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

@Suite struct ParserRobustnessTests {
    @Test func hostileNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        #expect(throws: ParseError.self) { _ = try Parser.parse(deep) }
        let long = Array(repeating: "1", count: 100_000).joined(separator: " + ")
        #expect(throws: ParseError.self) { _ = try Parser.parse(long) }
        #expect(throws: ParseError.self) { _ = try Parser.parse("foo @ 1e300") }
        #expect(throws: ParseError.self) { _ = try Parser.parse("foo[99999999999999999999y]") }
    }
}

@Suite struct SeriesSelectorTests {
    private func error(_ selector: String) -> String? {
        do {
            _ = try Parser.parseMatchers(selector)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func matchersOfASeriesSelector() throws {
        #expect(try Parser.parseMatchers(#"up{job="api"}"#).map(\.description) == [#"__name__="up""#, #"job="api""#])
        #expect(try Parser.parseMatchers(#"{__name__=~"probe_.*"}"#).map(\.description) == [#"__name__=~"probe_.*""#])
        #expect(error("up{") == "1:4: parse error: unexpected end of input inside braces")
        #expect(error("sum(x)") == #"1:4: parse error: unexpected "(""#)
        #expect(error("1") == #"1:1: parse error: unexpected number "1""#)
        #expect(error("") == "unknown position: parse error: unexpected end of input")
    }
}
