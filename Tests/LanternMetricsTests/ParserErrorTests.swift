import Testing
@testable import LanternMetrics

/// One malformed input and the exact error it must give.
struct MalformedCase: CustomTestStringConvertible, Sendable {
    let input: String
    let format: ExpositionFormat
    let line: Int
    let column: Int
    let message: String

    init(_ input: String, _ format: ExpositionFormat = .prometheusText, line: Int, column: Int, _ message: String) {
        self.input = input
        self.format = format
        self.line = line
        self.column = column
        self.message = message
    }

    var testDescription: String { "\(format) \(GoQuoting.quote(input.utf8))" }
}

@Suite struct ParserErrorTests {
    static let cases: [MalformedCase] = [
        // Text format 0.0.4, messages as Go's TextParser words them.
        .init("metric 1\nmetric foo\n", line: 2, column: 8, #"expected float as value, got "foo""#),
        .init("metric{label=\"x\"} 1 2 3\n", line: 1, column: 22, #"spurious string after timestamp: " 3""#),
        .init("metric 1 1.5\n", line: 1, column: 10, #"expected integer as timestamp, got "1.5""#),
        .init("metric 1 \n", line: 1, column: 10, #"expected integer as timestamp, got """#),
        .init("metric 1", line: 1, column: 9, "unexpected end of input stream"),
        .init("metric{a=\"b\" 1\n", line: 1, column: 14, #"unexpected end of label value "b""#),
        .init("metric{a:\"b\"} 1\n", line: 1, column: 9, "expected '=' after label name, found ':'"),
        .init("metric{a=b} 1\n", line: 1, column: 10, #"expected '"' at start of label value, found 'b'"#),
        .init("metric{1a=\"b\"} 1\n", line: 1, column: 8, #"invalid label name for metric "metric""#),
        .init("metric{a=\"1\",a=\"2\"} 1\n", line: 1, column: 14, #"duplicate label names for metric "metric""#),
        .init("metric{__name__=\"x\"} 1\n", line: 1, column: 8, #"label name "__name__" is reserved"#),
        .init("metric{a=\"x\\y\"} 1\n", line: 1, column: 12, #"invalid escape sequence '\y'"#),
        .init("metric{a=\"x\ny\"} 1\n", line: 1, column: 12, #"label value "x" contains unescaped new-line"#),
        .init("1metric 1\n", line: 1, column: 1, "invalid metric name"),
        .init("# HELP metric$ x\n", line: 1, column: 14, "invalid metric name in comment"),
        .init("# TYPE metric countr\n", line: 1, column: 15, ##"unknown metric type "countr""##),
        .init("# TYPE metric counter\n# TYPE metric gauge\n", line: 2, column: 1,
              #"second TYPE line for metric name "metric", or TYPE reported after samples"#),
        .init("metric 1\n# TYPE metric counter\n", line: 2, column: 1,
              #"second TYPE line for metric name "metric", or TYPE reported after samples"#),
        .init("# HELP metric a\n# HELP metric b\n", line: 2, column: 1, ##"second HELP line for metric name "metric""##),
        .init("# HELP metric a\\tb\n", line: 1, column: 16, ##"invalid escape sequence '\t'"##),
        .init("# TYPE h histogram\nh_bucket{le=\"x\"} 1\n", line: 2, column: 1, ##"expected float as value for 'le' label, got "x""##),
        .init("# TYPE s summary\ns{quantile=\"a\"} 1\n", line: 2, column: 1, ##"expected float as value for 'quantile' label, got "a""##),
        .init("metric 1e400\n", line: 1, column: 8, #"expected float as value, got "1e400""#),
        .init("metric 1_000\n", line: 1, column: 8, #"expected float as value, got "1_000""#),
        .init("metric 0x1p3\n", line: 1, column: 8, #"expected float as value, got "0x1p3""#),
        .init("metric 1 9223372036854775808\n", line: 1, column: 10, #"expected integer as timestamp, got "9223372036854775808""#),

        // OpenMetrics 1.0.0.
        .init("metric 1\n", .openMetrics, line: 2, column: 1, "data does not end with # EOF"),
        .init("metric 1\n# EOF\nmetric 2\n", .openMetrics, line: 3, column: 1, "unexpected data after # EOF"),
        .init("metric 1\n\n# EOF\n", .openMetrics, line: 2, column: 1, "unexpected empty line"),
        .init("# random comment\n# EOF\n", .openMetrics, line: 1, column: 1, ##"expected # HELP, # TYPE, # UNIT or # EOF, got "# rando""##),
        .init("metric  1\n# EOF\n", .openMetrics, line: 1, column: 8, "expected a single space between tokens, got ' '"),
        .init("metric\t1\n# EOF\n", .openMetrics, line: 1, column: 7, "expected a single space between tokens, got '\\t'"),
        .init("metric{a=\"b\" } 1\n# EOF\n", .openMetrics, line: 1, column: 13, "expected comma or brace close, got ' '"),
        .init("# TYPE metric untyped\n# EOF\n", .openMetrics, line: 1, column: 15, ##"invalid metric type "untyped""##),
        .init("# UNIT metric seconds\n# EOF\n", .openMetrics, line: 1, column: 15, ##"unit "seconds" not a suffix of metric "metric""##),
        .init("# TYPE c counter\nc 1\n# EOF\n", .openMetrics, line: 2, column: 1, ##"counter sample "c" lacks the suffix its type requires"##),
        .init("a 1\nb 1\na 2\n# EOF\n", .openMetrics, line: 3, column: 1, #"metric family "a" is interleaved with another family"#),
        .init("metric 1 NaN\n# EOF\n", .openMetrics, line: 1, column: 10, #"invalid timestamp "NaN""#),
        .init("# TYPE c counter\nc_total 1 # {id=\"x\"}\n# EOF\n", .openMetrics, line: 2, column: 21, "expected a single space between tokens, got '\\n'"),
        .init("# TYPE c counter\nc_total 1 # x\n# EOF\n", .openMetrics, line: 2, column: 11, ##"expected exemplar after "# ", got "# x""##),
        .init("# TYPE c counter\nc_total 1 # {id=\"\(String(repeating: "x", count: 127))\"} 1\n# EOF\n", .openMetrics,
              line: 2, column: 11, "exemplar labels have 129 UTF-8 characters, exceeding the limit of 128"),
        .init("# TYPE h histogram\nh_bucket 1\n# EOF\n", .openMetrics, line: 2, column: 1, ##"histogram bucket "h_bucket" has no "le" label"##),
    ]

    @Test(arguments: cases)
    func malformedInputFails(_ testCase: MalformedCase) {
        let error = parseError(testCase.input, testCase.format)
        #expect(error == ParseError(line: testCase.line, column: testCase.column, message: testCase.message))
    }

    @Test func invalidUTF8LabelValueIsRejected() {
        let bytes: [UInt8] = Array("metric{a=\"".utf8) + [0xFF] + Array("\"} 1\n".utf8)
        #expect(throws: ParseError(line: 1, column: 11, message: #"invalid label value "\xff""#)) {
            try ExpositionParser.metricFamilies(in: bytes, format: .prometheusText)
        }
    }

    @Test func errorDescriptionPutsPositionFirst() {
        let error = ParseError(line: 3, column: 12, message: #"expected float as value, got "foo""#)
        #expect(error.description == #"line 3, column 12: expected float as value, got "foo""#)
    }

    @Test func streamEndsAfterAnError() throws {
        var parser = ExpositionParser(bytes: Array("metric x\nother 1\n".utf8), format: .prometheusText)
        #expect(throws: ParseError.self) { try parser.next() }
        #expect(try parser.next() == nil)
    }
}
