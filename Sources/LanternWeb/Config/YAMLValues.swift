import LanternFlags

/// Reading typed values out of YAML nodes the way go-yaml v2 (exporter-toolkit's
/// decoder) does, with its error wording: `cannot unmarshal !!str `x` into bool`.
extension YAMLNode {
    /// go-yaml's tag for the node, as its errors print it.
    var yamlTag: String {
        switch kind {
        case .null: "!!null"
        case .mapping: "!!map"
        case .sequence: "!!seq"
        case .scalar(let text, let quoted):
            if quoted { "!!str" } else if Self.boolValue(text) != nil { "!!bool" } else if Int64(text) != nil { "!!int" } else if Double(text) != nil { "!!float" } else { "!!str" }
        }
    }

    private func cannotUnmarshal(into type: String) -> WebConfigError {
        if case .scalar(let text, _) = kind {
            return WebConfigError(line: line, "cannot unmarshal \(yamlTag) `\(text)` into \(type)")
        }
        return WebConfigError(line: line, "cannot unmarshal \(yamlTag) into \(type)")
    }

    /// YAML 1.1 booleans, as go-yaml v2 resolves them.
    private static func boolValue(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y": true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N": false
        default: nil
        }
    }

    /// Any scalar reads as a string; null is the empty string (go-yaml zeroes the field).
    func string() throws(WebConfigError) -> String {
        switch kind {
        case .null: return ""
        case .scalar(let text, _): return text
        default: throw cannotUnmarshal(into: "string")
        }
    }

    func bool() throws(WebConfigError) -> Bool {
        switch kind {
        case .null: return false
        case .scalar(let text, let quoted):
            guard !quoted, let value = Self.boolValue(text) else { throw cannotUnmarshal(into: "bool") }
            return value
        default: throw cannotUnmarshal(into: "bool")
        }
    }

    func int() throws(WebConfigError) -> Int {
        switch kind {
        case .null: return 0
        case .scalar(let text, let quoted):
            guard !quoted, let value = Int(text) else { throw cannotUnmarshal(into: "int") }
            return value
        default: throw cannotUnmarshal(into: "int")
        }
    }

    /// A Go `time.Duration`: a duration string (`1s`) or an integer of nanoseconds.
    func durationNanoseconds() throws(WebConfigError) -> Int64 {
        switch kind {
        case .null: return 0
        case .scalar(let text, let quoted):
            if !quoted, let nanoseconds = Int64(text) { return nanoseconds }
            do {
                return try parseGoDuration(text)
            } catch {
                throw WebConfigError(line: line, error.message)
            }
        default: throw cannotUnmarshal(into: "time.Duration")
        }
    }

    func strings() throws(WebConfigError) -> [String] {
        switch kind {
        case .null: return []
        case .sequence(let items):
            var result: [String] = []
            for item in items { result.append(try item.string()) }
            return result
        default: throw cannotUnmarshal(into: "[]string")
        }
    }

    /// A mapping's entries; `type` names the Go struct for go-yaml's messages.
    func entries(of type: String) throws(WebConfigError) -> [Entry] {
        switch kind {
        case .null: return []
        case .mapping(let entries): return entries
        default: throw cannotUnmarshal(into: type)
        }
    }
}
