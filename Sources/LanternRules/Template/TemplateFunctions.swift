import LanternFlags
import LanternPromQL

/// The functions rule templates call: Prometheus' humanizers and string helpers, and
/// text/template's built-ins. `query` and the URL helpers are not provided.
enum TemplateFunctions {
    static let names: Set<String> = [
        "humanize", "humanize1024", "humanizeDuration", "humanizePercentage", "humanizeTimestamp", "parseDuration", "printf", "print", "println",
        "title", "toUpper", "toLower", "reReplaceAll", "match", "stripPort",
        "eq", "ne", "lt", "le", "gt", "ge", "and", "or", "not", "len", "index",
    ]

    static func call(_ name: String, _ arguments: [TemplateValue]) throws(TemplateError) -> TemplateValue {
        switch name {
        case "humanize": return .string(Humanize.metric(try float(one(arguments))))
        case "humanize1024": return .string(Humanize.binary(try float(one(arguments))))
        case "humanizeDuration": return .string(Humanize.duration(try float(one(arguments))))
        case "humanizePercentage": return .string(GoFormat.g(try float(one(arguments)) * 100, precision: 4) + "%")
        case "humanizeTimestamp": return .string(Humanize.timestamp(try float(one(arguments))))
        case "parseDuration":
            let text = try string(one(arguments))
            do { return .float(Double(try parseModelDuration(text)) / 1000) } catch { throw TemplateError("not a valid duration string: \"\(text)\"") }
        case "printf":
            guard case .string(let format)? = arguments.first else { throw TemplateError("wrong type for value; expected string") }
            return .string(GoFormat.sprintf(format, Array(arguments.dropFirst())))
        case "print": return .string(GoFormat.sprint(arguments))
        case "println": return .string(arguments.map(\.printed).joined(separator: " ") + "\n")
        case "title": return .string(title(try string(one(arguments))))
        case "toUpper": return .string(try string(one(arguments)).uppercased())
        case "toLower": return .string(try string(one(arguments)).lowercased())
        case "reReplaceAll":
            try count(arguments, 3)
            let (pattern, replacement, text) = (try string(arguments[0]), try string(arguments[1]), try string(arguments[2]))
            return .string(try replaceAll(pattern: pattern, replacement: replacement, in: text))
        case "match":
            try count(arguments, 2)
            let (pattern, text) = (try string(arguments[0]), try string(arguments[1]))
            return .bool((try? search(pattern).firstMatch(in: text)) != nil)
        case "stripPort": return .string(stripPort(try string(one(arguments))))
        case "eq", "ne", "lt", "le", "gt", "ge": return .bool(try TemplateComparison.compare(name, arguments))
        case "and": return arguments.first(where: { !$0.isTrue }) ?? arguments.last ?? .none
        case "or": return arguments.first(where: \.isTrue) ?? arguments.last ?? .none
        case "not": return .bool(!(try one(arguments)).isTrue)
        case "len":
            switch try one(arguments) {
            case .string(let text): return .int(text.utf8.count)
            case .labels(let map): return .int(map.count)
            case let other: throw TemplateError("len of type \(other.typeName)")
            }
        case "index":
            try count(arguments, 2)
            return try arguments[0].field(try string(arguments[1]))
        default: throw TemplateError("function \"\(name)\" not defined")
        }
    }

    private static func one(_ arguments: [TemplateValue]) throws(TemplateError) -> TemplateValue {
        try count(arguments, 1)
        return arguments[0]
    }

    private static func count(_ arguments: [TemplateValue], _ expected: Int) throws(TemplateError) {
        guard arguments.count == expected else { throw TemplateError("wrong number of args: want \(expected) got \(arguments.count)") }
    }

    /// Prometheus' `convertToFloat`: numbers as they are, strings parsed.
    static func float(_ value: TemplateValue) throws(TemplateError) -> Double {
        switch value {
        case .float(let number): return number
        case .int(let number): return Double(number)
        case .string(let text):
            guard let number = Double(text) ?? goSpecialFloat(text) else { throw TemplateError("strconv.ParseFloat: parsing \"\(text)\": invalid syntax") }
            return number
        case let other: throw TemplateError("can't convert \(other.typeName) to float")
        }
    }

    private static func goSpecialFloat(_ text: String) -> Double? {
        switch text.lowercased() {
        case "+inf", "inf": return .infinity
        case "-inf": return -.infinity
        case "nan": return .nan
        default: return nil
        }
    }

    private static func string(_ value: TemplateValue) throws(TemplateError) -> String {
        guard case .string(let text) = value else { throw TemplateError("wrong type for value; expected string; got \(value.typeName)") }
        return text
    }

    /// Go's deprecated `strings.Title`: upper-cases every letter that follows a non-letter.
    private static func title(_ text: String) -> String {
        var result = ""
        var previousIsWordCharacter = false
        for character in text {
            let isWordCharacter = character.isLetter || character.isNumber || character == "_"
            result += (!previousIsWordCharacter && isWordCharacter) ? character.uppercased() : String(character)
            previousIsWordCharacter = isWordCharacter
        }
        return result
    }

    private static func search(_ pattern: String) throws(TemplateError) -> Regex<AnyRegexOutput> {
        do { return try Regex(pattern).matchingSemantics(.unicodeScalar) } catch { throw TemplateError("error parsing regexp: \(error)") }
    }

    /// Go's `Regexp.ReplaceAllString`: every leftmost match replaced, `$1` / `${name}` expanded.
    private static func replaceAll(pattern: String, replacement: String, in text: String) throws(TemplateError) -> String {
        let regex = try search(pattern)
        var result = ""
        var rest = text[...]
        while let match = try? regex.firstMatch(in: rest) {
            result += rest[..<match.range.lowerBound]
            result += RegexCaptures(match.output).expand(replacement)
            if match.range.isEmpty {
                guard match.range.upperBound < rest.endIndex else { rest = rest[rest.endIndex...]; break }
                result.append(rest[match.range.upperBound])
                rest = rest[rest.index(after: match.range.upperBound)...]
            } else {
                rest = rest[match.range.upperBound...]
            }
        }
        return result + rest
    }

    private static func stripPort(_ hostPort: String) -> String {
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") { return String(hostPort[hostPort.index(after: hostPort.startIndex)..<close]) }
        guard let colon = hostPort.lastIndex(of: ":"), hostPort.filter({ $0 == ":" }).count == 1 else { return hostPort }
        return String(hostPort[..<colon])
    }
}
