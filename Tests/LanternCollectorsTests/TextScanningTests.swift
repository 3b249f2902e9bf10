@testable import LanternCollectors
import Testing

/// The byte-wise splitters every procfs/sysfs parser uses: short pieces come back as small
/// strings, longer ones as slices of the text; both read the same.
@Suite struct TextScanningTests {
    @Test func fieldsOfEveryLength() {
        let long = "abcdefghijklmnopqrstuvwxyz0123456789"
        let text = "  cpu0 \t 15-bytes-long-x 16-bytes-long-xy \(long) é€😀 \r\n last"
        let expected = ["cpu0", "15-bytes-long-x", "16-bytes-long-xy", long, "é€😀", "last"]
        #expect(fields(text[...]).map(String.init) == expected)
        #expect(leadingFields(text[...], limit: 3).map(String.init) == Array(expected.prefix(3)))
        #expect(fields("").isEmpty && fields(" \t\n").isEmpty)
        // A substring in the middle of a larger text.
        let line = lines("head\n  a bb \(long)\ntail")[1]
        #expect(fields(line).map(String.init) == ["a", "bb", long])
        #expect(fields(line)[2].utf8.count == 36)
    }

    @Test func splitKeepsEmptyPiecesUnlessAsked() {
        #expect(split("a::bcdefghijklmnopq:", at: UInt8(ascii: ":")).map(String.init) == ["a", "", "bcdefghijklmnopq", ""])
        #expect(split("a::bcdefghijklmnopq:", at: UInt8(ascii: ":"), omittingEmpty: true).map(String.init) == ["a", "bcdefghijklmnopq"])
        #expect(lines("x\n\ny").map(String.init) == ["x", "", "y"])
    }
}
