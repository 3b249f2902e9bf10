/// Go's `strconv.Quote`: kingpin quotes string defaults in `--help`, Go's error messages
/// quote the offending input, and slog's text handler quotes values this way.
public func goQuote(_ text: String) -> String {
    var quoted = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": quoted += "\\\""
        case "\\": quoted += "\\\\"
        case "\u{07}": quoted += "\\a"
        case "\u{08}": quoted += "\\b"
        case "\u{0C}": quoted += "\\f"
        case "\n": quoted += "\\n"
        case "\r": quoted += "\\r"
        case "\t": quoted += "\\t"
        case "\u{0B}": quoted += "\\v"
        default:
            if isGoPrintable(scalar) {
                quoted.unicodeScalars.append(scalar)
            } else if scalar.value < 0x80 {
                quoted += "\\x" + hexDigits(scalar.value, width: 2)
            } else if scalar.value < 0x10000 {
                quoted += "\\u" + hexDigits(scalar.value, width: 4)
            } else {
                quoted += "\\U" + hexDigits(scalar.value, width: 8)
            }
        }
    }
    return quoted + "\""
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
