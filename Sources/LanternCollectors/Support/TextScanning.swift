/// Small helpers shared by the procfs/sysfs parsers. They never trap on input: numbers
/// that do not parse become a `KernelParseError` naming the field.

/// Whitespace-separated fields, like Go's `strings.Fields` for ASCII input.
@inlinable
func fields(_ text: Substring) -> [Substring] {
    text.split(whereSeparator: isASCIISpace)
}

@inlinable
func isASCIISpace(_ character: Character) -> Bool {
    character == " " || character == "\t" || character == "\n" || character == "\r"
}

/// The lines of a file, without the newline characters.
@inlinable
func lines(_ text: String) -> [Substring] {
    text.split(separator: "\n", omittingEmptySubsequences: false)
}

/// Leading and trailing whitespace removed, like Go's `strings.TrimSpace` for ASCII.
@inlinable
func trimmed(_ text: Substring) -> Substring {
    guard let start = text.firstIndex(where: { !isASCIISpace($0) }),
          let end = text.lastIndex(where: { !isASCIISpace($0) }) else { return text[text.endIndex...] }
    return text[start...end]
}

func parseUInt(_ text: Substring, field: String) throws(KernelParseError) -> UInt64 {
    guard let value = UInt64(text) else { throw KernelParseError("invalid \(field) \"\(text)\": not an unsigned integer") }
    return value
}

func parseDouble(_ text: Substring, field: String) throws(KernelParseError) -> Double {
    guard let value = Double(text) else { throw KernelParseError("invalid \(field) \"\(text)\": not a number") }
    return value
}
