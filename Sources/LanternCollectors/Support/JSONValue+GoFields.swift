import LanternSupport

/// Parses JSON for a collector: errors become the collector's parse error.
func parseJSON(_ text: String) throws(KernelParseError) -> JSONValue {
    do {
        return try JSONValue.parse(text)
    } catch {
        throw KernelParseError(error.description)
    }
}

extension JSONValue {
    /// The member as an unsigned integer that fits `bits`, as Go decodes into uintN
    /// fields: absent or null is 0; a fraction, a sign or overflow is an error.
    public func unsigned(_ name: String, bits: Int = 64) throws(KernelParseError) -> UInt64 {
        guard let member = member(name) else { return 0 }
        switch member {
        case .null: return 0
        case .number(let text):
            guard let value = UInt64(text), bits >= 64 || value >> UInt64(bits) == 0 else {
                throw KernelParseError("json: cannot unmarshal number \(text) into field \(name) of type uint\(bits)")
            }
            return value
        default:
            throw KernelParseError("json: cannot unmarshal \(member.kind) into field \(name) of type uint\(bits)")
        }
    }

    /// The member as a signed integer (Go int / int64 / time.Duration fields).
    public func signed(_ name: String) throws(KernelParseError) -> Int64 {
        guard let member = member(name) else { return 0 }
        switch member {
        case .null: return 0
        case .number(let text):
            guard let value = Int64(text) else { throw KernelParseError("json: cannot unmarshal number \(text) into field \(name) of type int64") }
            return value
        default:
            throw KernelParseError("json: cannot unmarshal \(member.kind) into field \(name) of type int64")
        }
    }

    /// The member as a string; absent or null is "".
    public func text(_ name: String) throws(KernelParseError) -> String {
        guard let member = member(name) else { return "" }
        switch member {
        case .null: return ""
        case .string(let value): return value
        default: throw KernelParseError("json: cannot unmarshal \(member.kind) into field \(name) of type string")
        }
    }

    /// The elements of a top-level array (null is an empty list, as Go decodes it).
    public func elements() throws(KernelParseError) -> [JSONValue] {
        switch self {
        case .array(let elements): return elements
        case .null: return []
        default: throw KernelParseError("json: cannot unmarshal \(kind) into a list")
        }
    }

    /// Go's name for the JSON type, as its unmarshal errors say it.
    var kind: String {
        switch self {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number: "number"
        case .bool: "bool"
        case .null: "null"
        }
    }
}
