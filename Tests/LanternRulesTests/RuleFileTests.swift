import Foundation
import Testing
@testable import LanternRules

/// rulefmt's validation, with the positions promtool prints.
@Suite struct RuleFileTests {
    static let cases: [(String, String, [String])] = [
        ("valid", """
        groups:
          - name: g
            interval: 30s
            rules:
              - record: job:up:sum
                expr: sum by (job) (up)
              - alert: Down
                expr: up == 0
                for: 5m
                keep_firing_for: 1m
                labels: {severity: page}
                annotations: {summary: "{{ $labels.instance }} down"}
        """, []),
        ("bad expression", """
        groups:
          - name: g
            rules:
              - alert: Broken
                expr: sum(
        """, ["5:15: group \"g\", rule 1, \"Broken\": could not parse expression:"]),
        ("unknown key", """
        groups:
          - name: g
            rules:
              - record: x
                exp: up
        """, ["5:9: yaml: unmarshal errors:\n  line 5: field exp not found in type rulefmt.RuleNode"]),
        ("record and alert", """
        groups:
          - name: g
            rules:
              - record: x
                alert: Y
                expr: up
        """, ["4:17: 5:16: group \"g\", rule 1, \"Y\": only one of 'record' and 'alert' must be set"]),
        ("for in recording rule", """
        groups:
          - name: g
            rules:
              - record: x
                expr: up
                for: 1m
        """, ["6:14: group \"g\", rule 1, \"x\": invalid field 'for' in recording rule"]),
        ("repeated group", """
        groups:
          - name: g
            rules: []
          - name: g
            rules: []
        """, ["4:11: groupname: \"g\" is repeated in the same file"]),
        ("bad record name and template", """
        groups:
          - name: g
            rules:
              - record: "bad name"
                expr: up
              - alert: A
                expr: up
                annotations: {d: "{{ nosuch }}"}
        """, ["4:17: group \"g\", rule 1, \"bad name\": invalid recording rule name: bad name",
              "group \"g\", rule 2, \"A\": annotation \"d\": template: __alert_A:1: function \"nosuch\" not defined"]),
        ("bad duration", """
        groups:
          - name: g
            interval: 5x
            rules: []
        """, ["3:15: not a valid duration string: \"5x\""]),
    ]

    @Test(arguments: cases.indices)
    func validation(_ index: Int) {
        let (name, text, expected) = Self.cases[index]
        switch RuleFileParser.parse(text, path: "rules.yml") {
        case .success(let file):
            #expect(expected.isEmpty, "\(name): parsed, expected \(expected)")
            if expected.isEmpty { #expect(file.groups.first?.rules.count == 2) }
        case .failure(let errors):
            let lines = errors.errors.map(\.description)
            #expect(lines.count == expected.count, "\(name): \(lines)")
            for (line, prefix) in zip(lines, expected) { #expect(line.hasPrefix(prefix), "\(name): \(line)") }
        }
    }

    @Test func parsedFields() throws {
        let file = try RuleFileParser.parse(Self.cases[0].1, path: "r.yml").get()
        let group = file.groups[0]
        #expect(group.interval == 30_000)
        #expect(group.rules[1].kind == .alerting(name: "Down"))
        #expect(group.rules[1].holdDuration == 300_000 && group.rules[1].keepFiringFor == 60_000)
        #expect(group.rules[1].labels == ["severity": "page"])
    }
}

@Suite struct CheckRulesTests {
    @Test func outputAndExitCode() throws {
        let good = NSTemporaryDirectory() + "good-\(UUID().uuidString).yml"
        let bad = NSTemporaryDirectory() + "bad-\(UUID().uuidString).yml"
        try "groups:\n  - name: g\n    rules:\n      - record: a\n        expr: up\n".write(toFile: good, atomically: true, encoding: .utf8)
        try "groups:\n  - name: g\n    rules:\n      - record: a\n        expr: up(\n".write(toFile: bad, atomically: true, encoding: .utf8)
        defer { for path in [good, bad] { try? FileManager.default.removeItem(atPath: path) } }
        var out: [String] = []
        var err: [String] = []
        #expect(CheckRules.run([good], output: { out.append($0) }, errorOutput: { err.append($0) }) == 0)
        #expect(out == ["Checking \(good)", "  SUCCESS: 1 rules found", ""])
        #expect(CheckRules.run([good, bad], output: { out.append($0) }, errorOutput: { err.append($0) }) == 1)
        #expect(err.first == "  FAILED:")
        #expect(err.last?.hasPrefix("\(bad): 5:15: group \"g\", rule 1, \"a\": could not parse expression") == true)
    }
}
