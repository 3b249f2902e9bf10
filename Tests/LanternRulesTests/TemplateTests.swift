import Testing
@testable import LanternRules

/// Expansions checked against Prometheus 2.42's template package.
@Suite struct TemplateTests {
    static let cases: [(String, String)] = [
        ("{{ $labels.instance }} is down", "host:9100 is down"),
        ("{{ .Labels.job }}/{{ $labels.missing }}", "node/"),
        ("{{ $value }}", "1.5e+06"),
        ("{{ $externalLabels.cluster }}", "eu1"),
        ("{{ $value | humanize }}", "1.5M"),
        ("{{ 0.0123 | humanize }}", "12.3m"),
        ("{{ 2048 | humanize1024 }}", "2ki"),
        ("{{ 90061 | humanizeDuration }}", "1d 1h 1m 1s"),
        ("{{ 1.5 | humanizeDuration }}", "1.5s"),
        ("{{ 0.25 | humanizePercentage }}", "25%"),
        ("{{ 1700000000.5 | humanizeTimestamp }}", "2023-11-14 22:13:20.5 +0000 UTC"),
        ("{{ 1700000000 | humanizeTimestamp }}", "2023-11-14 22:13:20 +0000 UTC"),
        ("{{ \"1h30m\" | parseDuration }}", "5400"),
        ("{{ printf \"%.2f\" 3.14159 }}", "3.14"),
        ("{{ printf \"%s=%d\" \"a\" 3 }}", "a=3"),
        ("{{ \"hello world\" | title }}", "Hello World"),
        ("{{ toUpper \"ab\" }}{{ toLower \"CD\" }}", "ABcd"),
        ("{{ reReplaceAll \"(.*):.*\" \"$1\" $labels.instance }}", "host"),
        ("{{ if gt $value 1000.0 }}big{{ else }}small{{ end }}", "big"),
        ("{{ if eq $labels.job \"x\" }}x{{ else if eq $labels.job \"node\" }}node{{ end }}", "node"),
        ("{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}", "instance=host:9100;job=node;"),
        ("a {{- \" b \" -}} c", "a b c"),
        ("{{/* comment */}}x", "x"),
        ("{{ $x := \"v\" }}{{ $x }}", "v"),
    ]

    @Test(arguments: cases.indices)
    func expansion(_ index: Int) {
        let (text, expected) = Self.cases[index]
        let result = GoTemplate.expandAlertText(
            text, ruleName: "A", labels: ["instance": "host:9100", "job": "node"], externalLabels: ["cluster": "eu1"], externalURL: "", value: 1_500_000)
        #expect((try? result.get()) == expected, "\(text): \(result)")
    }

    @Test func unsupportedConstructsFail() {
        #expect(throws: TemplateError.self) { try GoTemplate("{{ define \"x\" }}{{ end }}", name: "n") }
        #expect(throws: TemplateError.self) { try GoTemplate("{{ query \"up\" }}", name: "n") }
        #expect(throws: TemplateError.self) { try GoTemplate("{{ if true }}", name: "n") }
    }

    @Test func xxhashMatchesReference() {
        #expect(XXHash64.hash([]) == 0xEF46_DB37_51D8_E999)
        #expect(XXHash64.hash(Array("a".utf8)) == 0xD24E_C4F1_A98C_6E5B)
        #expect(XXHash64.hash(Array("Nobody inspects the spammish repetition".utf8)) == 0xFBCE_A83C_8A37_8BF1)
    }
}
