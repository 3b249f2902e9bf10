import Logging
import Synchronization
import Testing
@testable import LanternLog

/// Collects what the handler writes.
final class CapturedLines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ bytes: [UInt8]) { lines.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) } }
}

// 2025-01-02T03:04:05.678Z
let fixedTime = WallClockTime(seconds: 1_735_787_045, nanoseconds: 678_900_000)

func logger(_ format: LogFormat, level: Logger.Level = .info, capture: CapturedLines) -> Logger {
    Logger(label: "test") { _ in
        PromLogHandler(format: format, level: level, clock: { fixedTime }, sink: capture.append)
    }
}

@Suite struct Logfmt {
    @Test func keyOrderAndQuoting() {
        let capture = CapturedLines()
        var log = logger(.logfmt, capture: capture)
        log[metadataKey: "collector"] = "cpu"
        log.info("Listening on", metadata: ["address": "[::]:9100", "http2": "false"], file: "Lantern/main.swift", line: 42)
        #expect(capture.all == [
            "time=2025-01-02T03:04:05.678Z level=INFO source=main.swift:42 msg=\"Listening on\" collector=cpu address=[::]:9100 http2=false\n",
        ])
    }

    @Test(arguments: [
        ("plain", "plain"),
        ("", "\"\""),
        ("two words", "\"two words\""),
        ("a=b", "\"a=b\""),
        ("say \"hi\"", "\"say \\\"hi\\\"\""),
        ("back\\slash", "back\\slash"),
        ("line\nbreak", "\"line\\nbreak\""),
        ("tab\there", "\"tab\\there\""),
        ("bell\u{07}", "\"bell\\a\""),
        ("nul\u{00}", "\"nul\\x00\""),
        ("héllo", "héllo"),
        ("nbsp\u{00A0}", "\"nbsp\\u00a0\""),
        ("zwsp\u{200B}", "\"zwsp\\u200b\""),
        ("a \u{7F}", "\"a \\x7f\""),
        ("a \u{E000}", "\"a \\ue000\""),
        ("a \u{10FFFF}", "\"a \\U0010ffff\""),
        ("a 😀 é", "\"a 😀 é\""),
    ])
    func valueQuoting(value: String, rendered: String) {
        #expect(logfmtString(value) == rendered)
    }

    @Test func levelsAndFiltering() {
        let capture = CapturedLines()
        let log = logger(.logfmt, level: .info, capture: capture)
        log.debug("hidden")
        log.notice("n", file: "a/b.swift", line: 1)
        log.warning("w", file: "b.swift", line: 2)
        log.critical("c", file: "c.swift", line: 3)
        #expect(capture.all.map { $0.split(separator: " ")[1] } == ["level=INFO", "level=WARN", "level=ERROR"])
    }

    @Test func callSiteMetadataReplacesLoggerMetadataAndCompositeValues() {
        let capture = CapturedLines()
        var log = logger(.logfmt, capture: capture)
        log[metadataKey: "b"] = "logger"
        log[metadataKey: "a"] = "first"
        log.error("failed", metadata: ["b": "call", "list": ["x", "y"], "map": ["k": "v"]], file: "f.swift", line: 7)
        #expect(capture.all == [
            "time=2025-01-02T03:04:05.678Z level=ERROR source=f.swift:7 msg=failed a=first b=call list=\"[x y]\" map=map[k:v]\n",
        ])
    }

    @Test func levelFlagValues() {
        #expect(logLevel(fromFlagValue: "debug") == .debug)
        #expect(logLevel(fromFlagValue: "info") == .info)
        #expect(logLevel(fromFlagValue: "warn") == .warning)
        #expect(logLevel(fromFlagValue: "error") == .error)
        #expect(logLevel(fromFlagValue: "trace") == nil)
    }
}

@Suite struct JSON {
    @Test func shape() {
        let capture = CapturedLines()
        var log = logger(.json, capture: capture)
        log[metadataKey: "collector"] = "cpu"
        log.info("Listening on", metadata: [
            "address": "[::]:9100", "count": .stringConvertible(3), "ok": .stringConvertible(true),
            "ratio": .stringConvertible(0.5), "whole": .stringConvertible(2.0),
            "list": ["a", .stringConvertible(1)], "map": ["k": "v"],
        ], file: "Lantern/main.swift", line: 42)
        #expect(capture.all == [
            #"{"time":"2025-01-02T03:04:05.6789Z","level":"INFO","source":"main.swift:42","msg":"Listening on","collector":"cpu","address":"[::]:9100","count":3,"list":["a",1],"map":{"k":"v"},"ok":true,"ratio":0.5,"whole":2}"# + "\n",
        ])
    }

    @Test(arguments: [
        ("plain", #""plain""#),
        ("q\"b\\", #""q\"b\\""#),
        ("a\nb\rc\td", #""a\nb\rc\td""#),
        ("\u{01}", #""\u0001""#),
        ("<&>", #""<&>""#),
        ("\u{2028}", #""\u2028""#),
        ("héllo", #""héllo""#),
    ])
    func escaping(value: String, rendered: String) {
        #expect(jsonString(value) == rendered)
    }
}

@Suite struct Timestamps {
    @Test func textUsesThreeDigits() {
        #expect(rfc3339(WallClockTime(seconds: 0, nanoseconds: 0), fractionDigits: .milliseconds) == "1970-01-01T00:00:00.000Z")
        #expect(rfc3339(fixedTime, fractionDigits: .milliseconds) == "2025-01-02T03:04:05.678Z")
    }

    @Test func jsonTrimsTrailingZeros() {
        #expect(rfc3339(WallClockTime(seconds: 0, nanoseconds: 0), fractionDigits: .nanosecondsTrimmed) == "1970-01-01T00:00:00Z")
        #expect(rfc3339(WallClockTime(seconds: 951_782_400, nanoseconds: 500_000_000), fractionDigits: .nanosecondsTrimmed) == "2000-02-29T00:00:00.5Z")
        #expect(rfc3339(WallClockTime(seconds: 1, nanoseconds: 123_456_789), fractionDigits: .nanosecondsTrimmed) == "1970-01-01T00:00:01.123456789Z")
    }

    @Test func systemClockIsRecent() {
        #expect(WallClockTime.now().seconds > 1_700_000_000)
    }
}
