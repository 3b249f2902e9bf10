/// Small helpers shared by the procfs/sysfs parsers. They never trap on input: numbers
/// that do not parse become a `KernelParseError` naming the field.
///
/// They work on UTF-8 bytes, not `Character`s: kernel files are ASCII, and grapheme
/// breaking made splitting the largest cost of a scrape (bench/README.md). Byte-wise
/// splitting also treats "\r\n" as two separators, as Go does.

/// Whitespace-separated fields, like Go's `strings.Fields` for ASCII input.
@inlinable
func fields(_ text: Substring) -> [Substring] {
    var result: [Substring] = []
    let bytes = text.utf8
    var index = bytes.startIndex
    var fieldStart: Substring.Index? = nil
    while index != bytes.endIndex {
        if isASCIISpace(bytes[index]) {
            if let start = fieldStart {
                result.append(text[start..<index])
                fieldStart = nil
            }
        } else if fieldStart == nil {
            fieldStart = index
        }
        bytes.formIndex(after: &index)
    }
    if let start = fieldStart { result.append(text[start..<index]) }
    return result
}

@inlinable
func isASCIISpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
}

@inlinable
func isASCIISpace(_ character: Character) -> Bool {
    guard let ascii = character.asciiValue else { return character == "\r\n" }
    return isASCIISpace(ascii)
}

/// The lines of a file, without the newline characters.
@inlinable
func lines(_ text: String) -> [Substring] {
    var result: [Substring] = []
    let bytes = text.utf8
    var lineStart = bytes.startIndex
    var index = bytes.startIndex
    while index != bytes.endIndex {
        if bytes[index] == 0x0A {
            result.append(text[lineStart..<index])
            lineStart = bytes.index(after: index)
        }
        bytes.formIndex(after: &index)
    }
    result.append(text[lineStart..<bytes.endIndex])
    return result
}

/// `text` split at every `separator` byte (ASCII), like Go's `strings.Split` (or, when
/// `omittingEmpty`, Swift's default `split`), without grapheme breaking.
@inlinable
func split(_ text: Substring, at separator: UInt8, omittingEmpty: Bool = false) -> [Substring] {
    var result: [Substring] = []
    let bytes = text.utf8
    var start = bytes.startIndex
    var index = bytes.startIndex
    while index != bytes.endIndex {
        if bytes[index] == separator {
            if !omittingEmpty || start != index { result.append(text[start..<index]) }
            start = bytes.index(after: index)
        }
        bytes.formIndex(after: &index)
    }
    if !omittingEmpty || start != index { result.append(text[start..<index]) }
    return result
}

/// Leading and trailing whitespace removed, like Go's `strings.TrimSpace` for ASCII.
@inlinable
func trimmed(_ text: Substring) -> Substring {
    let bytes = text.utf8
    var start = bytes.startIndex
    var end = bytes.endIndex
    while start != end, isASCIISpace(bytes[start]) { bytes.formIndex(after: &start) }
    while end != start {
        let before = bytes.index(before: end)
        guard isASCIISpace(bytes[before]) else { break }
        end = before
    }
    return text[start..<end]
}

/// A decimal unsigned integer as Go's `strconv.ParseUint(text, 10, 64)` reads it: digits
/// only (no sign), overflow is an error.
func parseUInt(_ text: Substring, field: String) throws(KernelParseError) -> UInt64 {
    var value: UInt64 = 0
    var sawDigit = false
    for byte in text.utf8 {
        let digit = byte &- 0x30
        guard digit < 10 else { throw KernelParseError("invalid \(field) \"\(text)\": not an unsigned integer") }
        let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
        let (sum, overflow2) = shifted.addingReportingOverflow(UInt64(digit))
        guard !overflow1 && !overflow2 else { throw KernelParseError("invalid \(field) \"\(text)\": value out of range") }
        value = sum
        sawDigit = true
    }
    guard sawDigit else { throw KernelParseError("invalid \(field) \"\(text)\": not an unsigned integer") }
    return value
}

func parseDouble(_ text: Substring, field: String) throws(KernelParseError) -> Double {
    guard let value = Double(text) else { throw KernelParseError("invalid \(field) \"\(text)\": not a number") }
    return value
}
