import Glibc

/// Small helpers shared by the procfs/sysfs parsers. They never trap on input: numbers
/// that do not parse become a `KernelParseError` naming the field.
///
/// They work on UTF-8 bytes, not `Character`s: kernel files are ASCII, and grapheme
/// breaking made splitting the largest cost of a scrape (bench/README.md). Byte-wise
/// splitting also treats "\r\n" as two separators, as Go does.

/// Whitespace-separated fields, like Go's `strings.Fields` for ASCII input.
func fields(_ text: Substring) -> [Substring] {
    leadingFields(text, limit: .max)
}

/// The first `limit` of `fields(text)`: for a line of hundreds of numbers whose first
/// two are wanted.
func leadingFields(_ text: Substring, limit: Int) -> [Substring] {
    var result: [Substring] = []
    scanBytes(of: text) { bytes, slice in
        // Counted first, so the array is allocated once: growing it (1, 2, 4, 8, ...)
        // was most of the allocations of a scrape.
        // Up to `limit`: the intr line of /proc/stat has thousands of fields, two wanted.
        var count = 0, inField = false
        for byte in bytes {
            let isSpace = isASCIISpace(byte)
            if !isSpace && !inField {
                if count == limit { break }
                count += 1
            }
            inField = !isSpace
        }
        result.reserveCapacity(count)
        var index = 0
        while index < bytes.count && result.count < limit {
            while index < bytes.count && isASCIISpace(bytes[index]) { index += 1 }
            if index == bytes.count { break }
            let start = index
            while index < bytes.count && !isASCIISpace(bytes[index]) { index += 1 }
            result.append(slice(start, index))
        }
    }
    return result
}

/// Calls `body` with each line of `text` (split at "\n") as a `FieldCursor`, and with the
/// function that slices `text` by byte offsets; the first error `body` throws ends the scan
/// and is thrown. For parsers that compare keys as bytes instead of building a field
/// array of strings per line.
func forEachLine(
    of text: String, _ body: (FieldCursor, _ slice: (Int, Int) -> Substring) throws(KernelParseError) -> Void
) throws(KernelParseError) {
    var failure: KernelParseError?
    scanBytes(of: text[...]) { bytes, slice in
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            do throws(KernelParseError) {
                // Handing one non-escaping closure to another needs this (exclusivity rules).
                try withoutActuallyEscaping(slice) { (slice) throws(KernelParseError) in
                    try body(FieldCursor(bytes: bytes, position: lineStart, end: lineEnd), slice)
                }
            } catch {
                failure = error
                return
            }
            lineStart = lineEnd + 1
        }
    }
    if let failure { throw failure }
}

/// The whitespace-separated fields of `bytes[position..<end]` (one line), as byte
/// ranges, one after another: no array, no strings.
struct FieldCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int
    let end: Int

    mutating func next() -> (start: Int, end: Int)? {
        while position < end && isASCIISpace(bytes[position]) { position += 1 }
        guard position < end else { return nil }
        let start = position
        while position < end && !isASCIISpace(bytes[position]) { position += 1 }
        return (start, position)
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether the bytes in `range` are `word`.
    func holds(_ word: StaticString, _ range: (start: Int, end: Int)) -> Bool {
        range.end - range.start == word.utf8CodeUnitCount
            && memcmp(baseAddress! + range.start, word.utf8Start, word.utf8CodeUnitCount) == 0
    }

    /// The bytes in `range` as a number when they are 1 to 18 ASCII digits (what the
    /// kernel writes; no overflow possible); nil otherwise, for the caller's general parser.
    func plainDigits(_ range: (start: Int, end: Int)) -> UInt64? {
        guard range.end > range.start, range.end - range.start <= 18 else { return nil }
        var value: UInt64 = 0
        for index in range.start..<range.end {
            let digit = self[index] &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + UInt64(digit)
        }
        return value
    }
}

/// Runs `body` on the contiguous UTF-8 bytes of `text`, with a function that slices
/// `text` by byte offsets. The splitters scan bytes and slice through the UTF-8 view:
/// half the cost of walking `String.Index`es, and they run on every line of every
/// file a scrape reads.
@inline(__always)
func scanBytes(of text: Substring, _ body: (UnsafeBufferPointer<UInt8>, _ slice: (Int, Int) -> Substring) -> Void) {
    let utf8 = text.utf8
    let scanned: Void? = utf8.withContiguousStorageIfAvailable { bytes in
        body(bytes) { start, end in
            // A short piece (most fields: numbers, names) becomes a small string, held
            // inline: slicing `text` cost ~340 instructions a piece, most of it offsetting
            // two indices and aligning them to scalars again. Longer ones stay slices.
            if end - start <= smallStringCapacity {
                return Substring(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
            }
            return Substring(utf8[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: end)])
        }
    }
    // Strings read from files are native and contiguous; a copy of any other is too.
    if scanned == nil { scanBytes(of: Substring(String(text)), body) }
}

/// The most UTF-8 bytes a String holds without allocating storage (on 64-bit platforms).
let smallStringCapacity = 15

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
func lines(_ text: String) -> [Substring] {
    split(text[...], at: 0x0A)
}

/// `text` split at every `separator` byte (ASCII), like Go's `strings.Split` (or, when
/// `omittingEmpty`, Swift's default `split`), without grapheme breaking.
func split(_ text: Substring, at separator: UInt8, omittingEmpty: Bool = false) -> [Substring] {
    var result: [Substring] = []
    scanBytes(of: text) { bytes, slice in
        // Counted first, so the array is allocated once (see `leadingFields`).
        var separators = 0
        for byte in bytes where byte == separator { separators += 1 }
        result.reserveCapacity(separators + 1)
        var start = 0
        for index in 0..<bytes.count where bytes[index] == separator {
            if !omittingEmpty || start != index { result.append(slice(start, index)) }
            start = index + 1
        }
        if !omittingEmpty || start != bytes.count { result.append(slice(start, bytes.count)) }
    }
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
/// `field` names the value in the error only, so it is built only on failure.
func parseUInt(_ text: Substring, field: @autoclosure () -> String) throws(KernelParseError) -> UInt64 {
    var value: UInt64 = 0
    var sawDigit = false
    for byte in text.utf8 {
        let digit = byte &- 0x30
        guard digit < 10 else { throw KernelParseError("invalid \(field()) \"\(text)\": not an unsigned integer") }
        let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
        let (sum, overflow2) = shifted.addingReportingOverflow(UInt64(digit))
        guard !overflow1 && !overflow2 else { throw KernelParseError("invalid \(field()) \"\(text)\": value out of range") }
        value = sum
        sawDigit = true
    }
    guard sawDigit else { throw KernelParseError("invalid \(field()) \"\(text)\": not an unsigned integer") }
    return value
}

func parseDouble(_ text: Substring, field: @autoclosure () -> String) throws(KernelParseError) -> Double {
    guard let value = Double(text) else { throw KernelParseError("invalid \(field()) \"\(text)\": not a number") }
    return value
}
