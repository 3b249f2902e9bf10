import Foundation
import Testing
import LanternPromQL
@testable import LanternScrape

/// Cases after Prometheus' model/relabel/relabel_test.go.
@Suite struct RelabelTests {
    static func labels(_ pairs: [String: String]) -> Labels { Labels(pairs) }
    static func regex(_ pattern: String) -> AnchoredRegex { try! AnchoredRegex(pattern) }

    static let cases: [(String, [String: String], [RelabelConfig], [String: String]?)] = [
        ("replace capture", ["a": "foo", "b": "bar", "c": "baz"],
         [RelabelConfig(sourceLabels: ["a"], targetLabel: "d", regex: regex("f(.*)"), replacement: "ch${1}-ch${1}")],
         ["a": "foo", "b": "bar", "c": "baz", "d": "choo-choo"]),
        ("replace joined sources", ["a": "foo", "b": "bar"],
         [RelabelConfig(sourceLabels: ["a", "b"], targetLabel: "d", regex: regex("f(.*);(.*)r"), replacement: "$1$2")],
         ["a": "foo", "b": "bar", "d": "ooba"]),
        ("replace no match keeps", ["a": "foo"],
         [RelabelConfig(sourceLabels: ["a"], targetLabel: "d", regex: regex("x(.*)"))], ["a": "foo"]),
        ("replace empty result deletes", ["a": "foo", "b": "bar"],
         [RelabelConfig(sourceLabels: ["a"], targetLabel: "b", regex: regex("(f).*"), replacement: "$2")], ["a": "foo"]),
        ("replace target from capture", ["a": "some-name-value"],
         [RelabelConfig(sourceLabels: ["a"], targetLabel: "${1}", regex: regex("some-([^-]+)-([^,]+)"), replacement: "${2}")],
         ["a": "some-name-value", "name": "value"]),
        ("drop", ["a": "foo"], [RelabelConfig(action: .drop, sourceLabels: ["a"], regex: regex(".*o.*"))], nil),
        ("keep", ["a": "foo"], [RelabelConfig(action: .keep, sourceLabels: ["a"], regex: regex("no-match"))], nil),
        ("keep match", ["a": "foo"], [RelabelConfig(action: .keep, sourceLabels: ["a"], regex: regex("f.*"))], ["a": "foo"]),
        ("keepequal", ["a": "foo", "b": "foo"], [RelabelConfig(action: .keepequal, sourceLabels: ["a"], targetLabel: "b")], ["a": "foo", "b": "foo"]),
        ("keepequal drops", ["a": "foo", "b": "bar"], [RelabelConfig(action: .keepequal, sourceLabels: ["a"], targetLabel: "b")], nil),
        ("dropequal", ["a": "foo", "b": "foo"], [RelabelConfig(action: .dropequal, sourceLabels: ["a"], targetLabel: "b")], nil),
        ("hashmod", ["a": "foo", "b": "bar", "c": "baz"],
         [RelabelConfig(action: .hashmod, sourceLabels: ["c"], targetLabel: "d", modulus: 1000)],
         ["a": "foo", "b": "bar", "c": "baz", "d": "976"]),
        ("labelmap", ["a": "foo", "b": "bar"],
         [RelabelConfig(action: .labelmap, regex: regex("a"), replacement: "a_copy")], ["a": "foo", "b": "bar", "a_copy": "foo"]),
        ("labelmap pattern", ["__meta_my_bar": "aaa", "__meta_my_baz": "bbb", "__meta_other": "ccc"],
         [RelabelConfig(action: .labelmap, regex: regex("__meta_(my.*)"), replacement: "$1")],
         ["__meta_my_bar": "aaa", "__meta_my_baz": "bbb", "__meta_other": "ccc", "my_bar": "aaa", "my_baz": "bbb"]),
        ("labeldrop", ["a": "foo", "b": "bar", "c": "baz"], [RelabelConfig(action: .labeldrop, regex: regex("a|b"))], ["c": "baz"]),
        ("labelkeep", ["a": "foo", "b": "bar", "c": "baz"], [RelabelConfig(action: .labelkeep, regex: regex("a|b"))], ["a": "foo", "b": "bar"]),
        ("lowercase", ["foo": "bAr123Foo"], [RelabelConfig(action: .lowercase, sourceLabels: ["foo"], targetLabel: "foo_lowercase")],
         ["foo": "bAr123Foo", "foo_lowercase": "bar123foo"]),
        ("uppercase", ["foo": "bAr123Foo"], [RelabelConfig(action: .uppercase, sourceLabels: ["foo"], targetLabel: "foo_uppercase")],
         ["foo": "bAr123Foo", "foo_uppercase": "BAR123FOO"]),
    ]

    @Test(arguments: cases.indices)
    func process(_ index: Int) {
        let (name, input, configs, expected) = Self.cases[index]
        let output = Relabeler.process(Self.labels(input), configs)
        #expect(output == expected.map(Self.labels), "\(name)")
    }

    @Test func md5MatchesReference() {
        let digest = MD5.digest(Array("The quick brown fox jumps over the lazy dog".utf8))
        #expect(digest.map { String(format: "%02x", $0) }.joined() == "9e107d9d372bb6826bd81d3542a419d6")
    }

    @Test func validationMatchesPrometheus() {
        #expect(RelabelConfig(action: .hashmod, targetLabel: "x").validationError() != nil)
        #expect(RelabelConfig(action: .labeldrop, targetLabel: "x").validationError() != nil)
        #expect(RelabelConfig(action: .replace, targetLabel: "").validationError() != nil)
        #expect(RelabelConfig(action: .replace, targetLabel: "ok").validationError() == nil)
    }
}
