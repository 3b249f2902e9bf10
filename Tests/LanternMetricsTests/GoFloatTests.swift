import Testing
@testable import LanternMetrics

/// Expected strings are what Go prints: strconv.FormatFloat(x, 'g', -1, 64), and
/// client_golang's writeFloat / writeOpenMetricsFloat on top of it.
struct GoFloatTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let value: Double
        let go: String
        let prometheusText: String
        let openMetrics: String
        init(_ value: Double, _ go: String, text: String? = nil, openMetrics: String) {
            self.value = value
            self.go = go
            self.prometheusText = text ?? go
            self.openMetrics = openMetrics
        }
        var testDescription: String { go }
    }

    static let cases: [Case] = [
        Case(0, "0", openMetrics: "0.0"),
        Case(-0.0, "-0", text: "0", openMetrics: "0.0"),
        Case(1, "1", openMetrics: "1.0"),
        Case(-1, "-1", openMetrics: "-1.0"),
        Case(2, "2", openMetrics: "2.0"),
        Case(100, "100", openMetrics: "100.0"),
        Case(4096, "4096", openMetrics: "4096.0"),
        Case(329_204, "329204", openMetrics: "329204.0"),
        Case(-329_204, "-329204", openMetrics: "-329204.0"),
        Case(999_999, "999999", openMetrics: "999999.0"),
        Case(1_000_000, "1e+06", openMetrics: "1e+06"),
        Case(-1_000_000, "-1e+06", openMetrics: "-1e+06"),
        Case(1_000_001, "1.000001e+06", openMetrics: "1.000001e+06"),
        Case(999_999.5, "999999.5", openMetrics: "999999.5"),
        Case(1_150_976, "1.150976e+06", openMetrics: "1.150976e+06"),
        Case(118_821.284256, "118821.284256", openMetrics: "118821.284256"),
        Case(799_998_000, "7.99998e+08", openMetrics: "7.99998e+08"),
        Case(-123_456_789_000, "-1.23456789e+11", openMetrics: "-1.23456789e+11"),
        Case(9_007_199_254_740_991, "9.007199254740991e+15", openMetrics: "9.007199254740991e+15"),
        Case(1.8652166505091474e+06, "1.8652166505091474e+06", openMetrics: "1.8652166505091474e+06"),
        Case(2.045936778163039e+06, "2.045936778163039e+06", openMetrics: "2.045936778163039e+06"),
        Case(21_894_266_880, "2.189426688e+10", openMetrics: "2.189426688e+10"),
        Case(1.073e-06, "1.073e-06", openMetrics: "1.073e-06"),
        Case(1.305e-06, "1.305e-06", openMetrics: "1.305e-06"),
        Case(0.0001, "0.0001", openMetrics: "0.0001"),
        Case(0.00012345, "0.00012345", openMetrics: "0.00012345"),
        Case(0.00001, "1e-05", openMetrics: "1e-05"),
        Case(0.000095, "9.5e-05", openMetrics: "9.5e-05"),
        Case(-2.5e-7, "-2.5e-07", openMetrics: "-2.5e-07"),
        Case(0.1, "0.1", openMetrics: "0.1"),
        Case(0.21, "0.21", openMetrics: "0.21"),
        Case(0.10400000000000001, "0.10400000000000001", openMetrics: "0.10400000000000001"),
        Case(1.0 / 3.0, "0.3333333333333333", openMetrics: "0.3333333333333333"),
        Case(2.5, "2.5", openMetrics: "2.5"),
        Case(123_456.7, "123456.7", openMetrics: "123456.7"),
        Case(1_234_567.8, "1.2345678e+06", openMetrics: "1.2345678e+06"),
        Case(123_456_789_012, "1.23456789012e+11", openMetrics: "1.23456789012e+11"),
        Case(9_007_199_254_740_991, "9.007199254740991e+15", openMetrics: "9.007199254740991e+15"),
        Case(9_007_199_254_740_992, "9.007199254740992e+15", openMetrics: "9.007199254740992e+15"),
        Case(9_007_199_254_740_994, "9.007199254740994e+15", openMetrics: "9.007199254740994e+15"),
        Case(1e15, "1e+15", openMetrics: "1e+15"),
        Case(1e16, "1e+16", openMetrics: "1e+16"),
        Case(1e21, "1e+21", openMetrics: "1e+21"),
        Case(1e22, "1e+22", openMetrics: "1e+22"),
        Case(1e100, "1e+100", openMetrics: "1e+100"),
        Case(1.5e-100, "1.5e-100", openMetrics: "1.5e-100"),
        Case(.leastNonzeroMagnitude, "5e-324", openMetrics: "5e-324"),
        Case(2.2250738585072014e-308, "2.2250738585072014e-308", openMetrics: "2.2250738585072014e-308"),
        Case(.greatestFiniteMagnitude, "1.7976931348623157e+308", openMetrics: "1.7976931348623157e+308"),
        Case(-.greatestFiniteMagnitude, "-1.7976931348623157e+308", openMetrics: "-1.7976931348623157e+308"),
        Case(.nan, "NaN", openMetrics: "NaN"),
        Case(.infinity, "+Inf", openMetrics: "+Inf"),
        Case(-.infinity, "-Inf", openMetrics: "-Inf"),
        // Timestamps in OpenMetrics are milliseconds / 1000.
        Case(1_700_000_000.123, "1.700000000123e+09", openMetrics: "1.700000000123e+09"),
    ]

    @Test(arguments: cases)
    func formatsLikeGo(_ testCase: Case) {
        #expect(GoFloat.format(testCase.value) == testCase.go)
        var text: [UInt8] = []
        GoFloat.appendPrometheusText(testCase.value, to: &text)
        #expect(text.text == testCase.prometheusText)
        #expect(GoFloat.formatOpenMetrics(testCase.value) == testCase.openMetrics)
    }

    @Test func appendsAfterExistingBytes() {
        var buffer = Array("x ".utf8)
        GoFloat.append(1.5e6, to: &buffer)
        #expect(buffer.text == "x 1.5e+06")
    }

    /// The integer fast path and the general path must agree; both must round-trip and
    /// use the shortest digits (Swift's description has the same digits).
    @Test func roundTripsAndIsShortest() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let candidates: [Double] = [
                Double(bitPattern: generator.next()),
                Double(Int64.random(in: -(1 << 53)...(1 << 53), using: &generator)),
                Double.random(in: -1e7...1e7, using: &generator).rounded(),
                Double.random(in: 0..<1, using: &generator),
            ]
            for value in candidates where value.isFinite {
                let formatted = GoFloat.format(value)
                #expect(Double(formatted) == value, "\(formatted) does not round-trip")
                #expect(significantDigits(formatted) == significantDigits(value.description), "\(formatted) vs \(value)")
            }
        }
    }

    /// The few-decimals path writes the general path's bytes wherever it answers, and it
    /// answers for the values it is for (a handful of decimal places).
    @Test func fewDecimalsPathHasTheGeneralPathsDigits() {
        var generator = SystemRandomNumberGenerator()
        var answered = 0, decimalsAnswered = 0, decimals = 0
        func check(_ value: Double) -> Bool {
            var fast = Array("x ".utf8), general = Array("x ".utf8)
            guard GoFloat.appendFewDecimals(value, to: &fast) else {
                #expect(fast.text == "x ")
                return false
            }
            ShortestDigits(value).layOut(negative: value < 0, into: &general)
            #expect(fast.text == general.text, "\(value)")
            answered += 1
            return true
        }
        for _ in 0..<20_000 {
            // Decimals as collectors read them: an integer of up to 12 digits over 10^1...10^12.
            let places = Int.random(in: 1...12, using: &generator)
            let mantissa = Double(Int64.random(in: 1...999_999_999_999, using: &generator))
            let decimal = mantissa / [1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12][places - 1]
            if decimal.rounded(.towardZero) != decimal && decimal.significandBitPattern != 0 {
                decimals += 1
                if check(decimal) { decimalsAnswered += 1 }
            }
            for value in [
                Double(bitPattern: generator.next()), Double.random(in: 0..<1, using: &generator),
                Double.random(in: 0..<1e6, using: &generator), Double.random(in: 1e-7..<1e-3, using: &generator),
                -Double.random(in: 0..<1e15, using: &generator), decimal.nextUp, decimal.nextDown,
            ] where value.isFinite && value != 0 {
                _ = check(value)
            }
        }
        // Powers of two, values past 2^53 and digits past 2^53 are left to the general path.
        for value in [0.5, 0.25, 103.97500000000001, 2.5e16, 1e-300, .leastNonzeroMagnitude] {
            #expect(!check(value), "\(value)")
        }
        for value in [0.1, 2.5, 0.21, 118_821.284256, 123_456.7, 1.073e-06, 0.00012345, -2.5e-7, 1.25, 7.0625, 42, 1e6, 1_234_500] {
            #expect(check(value), "\(value)")
        }
        #expect(decimalsAnswered == decimals)
        #expect(answered > 20_000)
    }

    @Test func decimalIntegers() {
        var buffer: [UInt8] = []
        GoFloat.appendDecimal(Int64.min, to: &buffer)
        buffer.append(UInt8(ascii: " "))
        GoFloat.appendDecimal(UInt64.max, to: &buffer)
        buffer.append(UInt8(ascii: " "))
        GoFloat.appendDecimal(UInt64(0), to: &buffer)
        #expect(buffer.text == "-9223372036854775808 18446744073709551615 0")
    }

    private func significantDigits(_ text: String) -> String {
        let mantissa = text.split(separator: "e").first.map(String.init) ?? text
        var digits = mantissa.filter(\.isNumber).drop { $0 == "0" }
        while digits.last == "0" { digits.removeLast() }
        return String(digits)
    }
}
