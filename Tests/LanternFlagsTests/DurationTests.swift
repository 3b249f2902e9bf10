import Testing
@testable import LanternFlags

@Suite struct Durations {
    @Test(arguments: [
        ("0", 0.0), ("10s", 10.0), ("1m30s", 90), ("500ms", 0.5), ("1.5h", 5400), ("-1.5s", -1.5),
        ("+2m", 120), ("1h2m3s4ms5us6ns", 3723.004005006), ("1d", 86400), ("2w", 1_209_600),
        ("300\u{00B5}s", 0.0003), (".5s", 0.5), ("1.s", 1),
    ])
    func goDurations(text: String, seconds: Double) throws {
        #expect(abs(Double(try parseGoDuration(text)) / 1e9 - seconds) < 1e-9)
    }

    @Test(arguments: [
        ("", "time: invalid duration \"\""),
        ("-", "time: invalid duration \"-\""),
        (".s", "time: invalid duration \".s\""),
        ("s", "time: invalid duration \"s\""),
        ("10", "time: missing unit in duration \"10\""),
        ("1y", "time: unknown unit \"y\" in duration \"1y\""),
        ("1h x", "time: unknown unit \"h x\" in duration \"1h x\""),
        ("9999999999999999999h", "time: invalid duration \"9999999999999999999h\""),
        ("3000000h", "time: invalid duration \"3000000h\""),
    ])
    func goDurationErrors(text: String, message: String) {
        #expect(throws: DurationParseError(message: message)) { try parseGoDuration(text) }
    }

    static let modelCases: [(String, Int64)] = [
        ("0", 0), ("15d", 1_296_000_000), ("1y", 31_536_000_000), ("2w3d", 1_468_800_000),
        ("1h30m", 5_400_000), ("500ms", 500), ("1y2w3d4h5m6s7ms", 33_019_506_007),
    ]

    @Test(arguments: modelCases)
    func modelDurations(text: String, milliseconds: Int64) throws {
        #expect(try parseModelDuration(text) == milliseconds)
    }

    @Test(arguments: [
        ("", "empty duration string"),
        ("1d1y", "not a valid duration string: \"1d1y\""),
        ("1h1h", "not a valid duration string: \"1h1h\""),
        ("d", "not a valid duration string: \"d\""),
        ("10", "not a valid duration string: \"10\""),
        ("-1d", "not a valid duration string: \"-1d\""),
        ("1x", "unknown unit \"x\" in duration \"1x\""),
        ("1000y", "duration out of range"),
    ])
    func modelDurationErrors(text: String, message: String) {
        #expect(throws: DurationParseError(message: message)) { try parseModelDuration(text) }
    }

    @Test func parseDurationAcceptsBothSyntaxes() throws {
        #expect(try parseDuration("1m30s") == 90)
        #expect(try parseDuration("1y") == 365 * 86400)
        #expect(throws: DurationParseError(message: "time: invalid duration \"soon\"")) { try parseDuration("soon") }
    }
}
