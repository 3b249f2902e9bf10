import LanternMetrics
import LanternSupport

#if canImport(Glibc)
import Glibc
#endif

/// Go's `fmt` verbs for the values templates pass to `printf`. C's `%g`, `%f`, `%e` and
/// `%x` round and trim as Go's do; only NaN and the infinities are spelled differently.
enum GoFormat {
    static func g(_ value: Double, precision: Int) -> String { c(value, spec: "%.\(precision)g") }

    /// `value` through a single C conversion `spec` (`%8.2f`), Go's spellings for non-finite values.
    private static func c(_ value: Double, spec: String) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        var buffer = [CChar](repeating: 0, count: 512)
        _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, spec, $0) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `fmt.Sprint`: spaces only between operands when neither is a string.
    static func sprint(_ values: [TemplateValue]) -> String {
        var result = ""
        for (index, value) in values.enumerated() {
            if index > 0, !isString(value), !isString(values[index - 1]) { result += " " }
            result += value.printed
        }
        return result
    }

    private static func isString(_ value: TemplateValue) -> Bool {
        if case .string = value { return true }
        return false
    }

    /// `fmt.Sprintf` for the verbs alert annotations use: %v %s %q %d %f %e %g %x %%, with
    /// flags, width and precision; a mismatched operand prints Go's `%!d(string=...)`.
    static func sprintf(_ format: String, _ arguments: [TemplateValue]) -> String {
        var result = ""
        var next = 0
        var scalars = format.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "%" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            var spec = "%"
            var verb: Unicode.Scalar?
            while let part = scalars.next() {
                if "+-# 0123456789.".unicodeScalars.contains(part) {
                    spec.unicodeScalars.append(part)
                } else {
                    verb = part
                    break
                }
            }
            guard let verb else {
                result += "%!(NOVERB)"
                break
            }
            if verb == "%" {
                result += "%"
                continue
            }
            guard next < arguments.count else {
                result += "%!\(verb)(MISSING)"
                continue
            }
            result += one(verb, spec: spec, arguments[next])
            next += 1
        }
        if next < arguments.count {
            result += "%!(EXTRA " + arguments[next...].map { "\($0.typeName)=\($0.printed)" }.joined(separator: ", ") + ")"
        }
        return result
    }

    private static func one(_ verb: Unicode.Scalar, spec: String, _ value: TemplateValue) -> String {
        switch (verb, value) {
        case ("v", _), ("s", .string):
            return pad(value.printed, spec: spec)
        case ("q", .string(let text)):
            return pad(goQuote(text), spec: spec)
        case ("d", .int(let number)), ("x", .int(let number)):
            return integer(number, spec: spec, hex: verb == "x")
        case ("f", _), ("F", _), ("e", _), ("g", _):
            guard let number = try? TemplateFunctions.float(value), !isString(value) else { break }
            if spec == "%" && verb == "g" { return GoFloat.format(number) }
            return c(number, spec: spec + String(verb))
        default: break
        }
        return "%!\(verb)(\(value.typeName)=\(value.printed))"
    }

    private static func integer(_ number: Int, spec: String, hex: Bool) -> String {
        var buffer = [CChar](repeating: 0, count: 128)
        _ = withVaList([number]) { vsnprintf(&buffer, buffer.count, spec + (hex ? "lx" : "ld"), $0) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Width and `-` from a spec, for strings.
    private static func pad(_ text: String, spec: String) -> String {
        let digits = spec.drop { !$0.isNumber || $0 == "0" }.prefix { $0.isNumber }
        guard let width = Int(digits), text.count < width else { return text }
        let padding = String(repeating: " ", count: width - text.count)
        return spec.contains("-") ? text + padding : padding + text
    }
}
