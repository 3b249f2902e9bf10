/// Go's `strconv.Quote`: kingpin quotes string defaults in `--help`, Go's error messages
/// quote the offending input, and slog's text handler quotes values this way.
public func goQuote(_ text: String) -> String {
    // Built as bytes: appending scalar by scalar to a String, and asking each one's
    // general category, cost ~800 instructions a character (a logged error per scrape).
    var quoted: [UInt8] = [UInt8(ascii: "\"")]
    quoted.reserveCapacity(text.utf8.count + 2)
    func append(_ escape: StaticString) {
        escape.withUTF8Buffer { quoted.append(contentsOf: $0) }
    }
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": append("\\\"")
        case "\\": append("\\\\")
        case "\u{07}": append("\\a")
        case "\u{08}": append("\\b")
        case "\u{0C}": append("\\f")
        case "\n": append("\\n")
        case "\r": append("\\r")
        case "\t": append("\\t")
        case "\u{0B}": append("\\v")
        default:
            if scalar.value >= 0x20 && scalar.value < 0x7F {
                // Printable ASCII, as `isGoPrintable` says, without looking it up.
                quoted.append(UInt8(scalar.value))
            } else if isGoPrintable(scalar) {
                quoted.append(contentsOf: String(scalar).utf8)
            } else if scalar.value < 0x80 {
                append("\\x")
                quoted.append(contentsOf: hexDigits(scalar.value, width: 2).utf8)
            } else if scalar.value < 0x10000 {
                append("\\u")
                quoted.append(contentsOf: hexDigits(scalar.value, width: 4).utf8)
            } else {
                append("\\U")
                quoted.append(contentsOf: hexDigits(scalar.value, width: 8).utf8)
            }
        }
    }
    quoted.append(UInt8(ascii: "\""))
    return String(decoding: quoted, as: UTF8.self)
}

/// Go's `unicode.IsPrint`: graphic characters and the ASCII space, nothing else.
public func isGoPrintable(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == " " { return true }
    switch scalar.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned,
         .spaceSeparator, .lineSeparator, .paragraphSeparator:
        return false
    default:
        return true
    }
}

private func hexDigits(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
