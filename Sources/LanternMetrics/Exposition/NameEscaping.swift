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
        var name = name
        return name.withUTF8(isLegacyName)
    }

    /// The same on UTF-8 bytes. The encoders check every family and label name of every
    /// scrape, so this loops over contiguous bytes rather than a `String.UTF8View`.
    static func isLegacyName(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first, isLegacyByte(first, isFirst: true) else { return false }
        for byte in bytes.dropFirst() where !isLegacyByte(byte, isFirst: false) {
            return false
        }
        return true
    }

    /// Appends `name` and returns true when it is a legacy name (written unchanged under
    /// every scheme); appends nothing and returns false otherwise.
    static func appendIfLegacy(_ name: String, to buffer: inout [UInt8]) -> Bool {
        var name = name
        return name.withUTF8 { bytes in
            guard isLegacyName(bytes) else { return false }
            buffer.append(contentsOf: bytes)
            return true
        }
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
        if Self.appendIfLegacy(name, to: &buffer) { return }
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
        if Self.appendIfLegacy(name, to: &buffer) {
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
/// (client_golang `writeEscapedString`). Runs between escaped bytes are copied whole.
func appendEscaped(_ text: String, escapingQuotes: Bool, to buffer: inout [UInt8]) {
    // The UTF-8 view's storage is read in place (native strings, the only kind on
    // Linux); `withUTF8` needs a mutable copy, one retain and release per label value.
    let appended: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
        appendEscaped(bytes, escapingQuotes: escapingQuotes, to: &buffer)
    }
    if appended == nil {
        var text = text
        text.withUTF8 { appendEscaped($0, escapingQuotes: escapingQuotes, to: &buffer) }
    }
}

private func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, escapingQuotes: Bool, to buffer: inout [UInt8]) {
    var runStart = 0
    for index in bytes.indices {
        let escaped: UInt8
        switch bytes[index] {
        case UInt8(ascii: "\\"): escaped = UInt8(ascii: "\\")
        case UInt8(ascii: "\n"): escaped = UInt8(ascii: "n")
        case UInt8(ascii: "\"") where escapingQuotes: escaped = UInt8(ascii: "\"")
        default: continue
        }
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
        buffer.append(UInt8(ascii: "\\"))
        buffer.append(escaped)
        runStart = index + 1
    }
    buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
}
