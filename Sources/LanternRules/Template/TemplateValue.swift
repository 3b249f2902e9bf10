import LanternMetrics

/// The values templates see: strings, numbers, booleans, label maps and the alert data.
enum TemplateValue: Equatable {
    case none
    case string(String)
    case int(Int)
    case float(Double)
    case bool(Bool)
    /// A Go `map[string]string`: labels; a missing key reads as "" (`missingkey=zero`).
    case labels([String: String])
    /// A Go struct: the template's data, fields by name.
    case record([String: TemplateValue])

    /// Go's `fmt.Print` of the value.
    var printed: String {
        switch self {
        case .none: return "<no value>"
        case .string(let text): return text
        case .int(let number): return String(number)
        case .float(let number): return GoFloat.format(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .labels(let map): return "map[" + map.keys.sorted().map { "\($0):\(map[$0]!)" }.joined(separator: " ") + "]"
        case .record(let fields): return "{" + fields.keys.sorted().map { fields[$0]!.printed }.joined(separator: " ") + "}"
        }
    }

    /// text/template's truth: false, 0, nil and empty values are false.
    var isTrue: Bool {
        switch self {
        case .none: return false
        case .string(let text): return !text.isEmpty
        case .int(let number): return number != 0
        case .float(let number): return number != 0
        case .bool(let flag): return flag
        case .labels(let map): return !map.isEmpty
        case .record: return true
        }
    }

    func field(_ name: String) throws(TemplateError) -> TemplateValue {
        switch self {
        case .labels(let map): return .string(map[name] ?? "")
        case .record(let fields):
            guard let value = fields[name] else { throw TemplateError("can't evaluate field \(name)") }
            return value
        case .none: return .none
        default: throw TemplateError("can't evaluate field \(name) in type \(typeName)")
        }
    }

    var typeName: String {
        switch self {
        case .none: return "nil"
        case .string: return "string"
        case .int: return "int"
        case .float: return "float64"
        case .bool: return "bool"
        case .labels: return "map[string]string"
        case .record: return "struct"
        }
    }
}
