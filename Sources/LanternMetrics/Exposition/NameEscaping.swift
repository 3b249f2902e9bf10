/// How metric and label names outside the legacy character set `[a-zA-Z_:][a-zA-Z0-9_:]*`
/// are written, as negotiated through the `escaping` parameter of `Accept`
/// (prometheus/common `model.EscapingScheme`). Legacy names are written unchanged
/// under every scheme supported here.
public enum NameEscaping: String, Sendable, Hashable {
    /// Each invalid character becomes `_` (Go's default, `model.UnderscoreEscaping`).
    case underscores
    /// Names are written as they are, quoted where they are not legacy names.
    case allowUTF8 = "allow-utf-8"
}

extension NameEscaping {
    /// Whether `name` matches `[a-zA-Z_:][a-zA-Z0-9_:]*` (Go's `IsValidLegacyMetricName`,
    /// which the encoders also apply to label names).
    static func isLegacyName(_ name: String) -> Bool {
        var isFirst = true
        for byte in name.utf8 {
            guard isLegacyByte(byte, isFirst: isFirst) else { return false }
            isFirst = false
        }
        return !isFirst
    }

    static func isLegacyByte(_ byte: UInt8, isFirst: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "_"), UInt8(ascii: ":"):
            return true
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return !isFirst
        default:
            return false
        }
    }

    /// Writes a metric name on a `# HELP`/`# TYPE`/`# UNIT` line.
    func appendDescriptorName(_ name: String, to buffer: inout [UInt8]) {
        if Self.isLegacyName(name) {
            buffer.append(contentsOf: name.utf8)
            return
        }
        switch self {
        case .underscores:
            Self.appendUnderscoreEscaped(name, to: &buffer)
        case .allowUTF8:
            Self.appendQuoted(name, to: &buffer)
        }
    }

    /// Writes a sample's metric name plus suffix and opens the label set where needed.
    /// Returns whether `{` has already been written (a quoted name goes inside the braces,
    /// `{"name",l="v"}`), so the caller knows which separator comes next.
    func appendSampleName(_ name: String, suffix: String, to buffer: inout [UInt8]) -> Bool {
        if Self.isLegacyName(name) {
            buffer.append(contentsOf: name.utf8)
            buffer.append(contentsOf: suffix.utf8)
            return false
        }
        switch self {
        case .underscores:
            Self.appendUnderscoreEscaped(name, to: &buffer)
            buffer.append(contentsOf: suffix.utf8)
            return false
        case .allowUTF8:
            buffer.append(UInt8(ascii: "{"))
            Self.appendQuoted(name + suffix, to: &buffer)
            return true
        }
    }

    /// Writes a label name.
    func appendLabelName(_ name: String, to buffer: inout [UInt8]) {
        appendDescriptorName(name, to: &buffer)
    }

    /// Go replaces each invalid rune (not byte) by one `_`; digits are valid after the
    /// first byte.
    static func appendUnderscoreEscaped(_ name: String, to buffer: inout [UInt8]) {
        var byteOffset = 0
        for scalar in name.unicodeScalars {
            if scalar.isASCII, isLegacyByte(UInt8(scalar.value), isFirst: byteOffset == 0) {
                buffer.append(UInt8(scalar.value))
            } else {
                buffer.append(UInt8(ascii: "_"))
            }
            byteOffset += UTF8.width(scalar)
        }
    }

    static func appendQuoted(_ name: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        appendEscaped(name, escapingQuotes: true, to: &buffer)
        buffer.append(UInt8(ascii: "\""))
    }
}

/// Writes `text` with `\` as `\\`, newline as `\n` and, when asked, `"` as `\"`
/// (client_golang `writeEscapedString`). Text without those bytes is copied whole.
func appendEscaped(_ text: String, escapingQuotes: Bool, to buffer: inout [UInt8]) {
    let utf8 = text.utf8
    let needsEscaping = utf8.contains { byte in
        byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\n") || (escapingQuotes && byte == UInt8(ascii: "\""))
    }
    guard needsEscaping else {
        buffer.append(contentsOf: utf8)
        return
    }
    for byte in utf8 {
        switch byte {
        case UInt8(ascii: "\\"):
            buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case UInt8(ascii: "\n"):
            buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case UInt8(ascii: "\"") where escapingQuotes:
            buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        default:
            buffer.append(byte)
        }
    }
}
