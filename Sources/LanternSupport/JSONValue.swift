/// A small Foundation-free JSON reader: the fixture files node_exporter's qdisc and wifi
/// collectors read, TSDB block `meta.json`. Numbers keep their text so that integers are
/// converted exactly; objects keep their members in order.
public indirect enum JSONValue: Sendable, Equatable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// Deeper documents are refused instead of overflowing the stack.
    static let maximumDepth = 64

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var reader = Reader(bytes: Array(text.utf8))
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.offset == reader.bytes.count else { throw reader.error("unexpected data after the JSON value") }
        return value
    }

    /// A member of an object, matched as Go matches struct fields: the exact key first,
    /// else the first key equal ignoring ASCII case. nil when absent or not an object.
    public func member(_ name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        if let exact = members.first(where: { $0.key == name }) { return exact.value }
        let folded = name.lowercased()
        return members.first { $0.key.lowercased() == folded }?.value
    }

    /// The member named exactly `key` of an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// A number that is an integer in the range of Int64.
    public var int64: Int64? {
        if case .number(let text) = self { return Int64(text) }
        return nil
    }

    public var array: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.array(let x), .array(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.null, .null): true
        default: false
        }
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        func error(_ reason: String) -> JSONParseError {
            JSONParseError(offset: offset, reason: reason)
        }

        mutating func skipWhitespace() {
            while offset < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[offset]) { offset += 1 }
        }

        mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
            guard depth < JSONValue.maximumDepth else { throw error("nested too deeply") }
            skipWhitespace()
            guard offset < bytes.count else { throw error("unexpected end of input") }
            switch bytes[offset] {
            case UInt8(ascii: "{"):
                offset += 1
                var members: [(key: String, value: JSONValue)] = []
                skipWhitespace()
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") { offset += 1; return .object(members) }
                while true {
                    skipWhitespace()
                    guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw error("expected a member name") }
                    let key = try string()
                    skipWhitespace()
                    guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw error("expected ':'") }
                    offset += 1
                    members.append((key, try value(depth: depth + 1)))
                    skipWhitespace()
                    guard offset < bytes.count else { throw error("unexpected end of input") }
                    if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                    guard bytes[offset] == UInt8(ascii: "}") else { throw error("expected ',' or '}'") }
                    offset += 1
                    return .object(members)
                }
            case UInt8(ascii: "["):
                offset += 1
                var elements: [JSONValue] = []
                skipWhitespace()
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") { offset += 1; return .array(elements) }
                while true {
                    elements.append(try value(depth: depth + 1))
                    skipWhitespace()
                    guard offset < bytes.count else { throw error("unexpected end of input") }
                    if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                    guard bytes[offset] == UInt8(ascii: "]") else { throw error("expected ',' or ']'") }
                    offset += 1
                    return .array(elements)
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            default:
                return try number()
            }
        }

        mutating func literal(_ word: String, _ result: JSONValue) throws(JSONParseError) -> JSONValue {
            let expected = Array(word.utf8)
            guard bytes.count - offset >= expected.count, Array(bytes[offset..<(offset + expected.count)]) == expected else {
                throw error("unexpected character")
            }
            offset += expected.count
            return result
        }

        /// The JSON number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
        mutating func number() throws(JSONParseError) -> JSONValue {
            let start = offset
            func digits(_ reader: inout Reader) -> Int {
                let begin = reader.offset
                while reader.offset < reader.bytes.count, reader.bytes[reader.offset] >= 0x30, reader.bytes[reader.offset] <= 0x39 {
                    reader.offset += 1
                }
                return reader.offset - begin
            }
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            let integerStart = offset
            let integerDigits = digits(&self)
            guard integerDigits > 0 else { throw error("unexpected character") }
            guard integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { throw error("leading zero in number") }
            if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
                offset += 1
                guard digits(&self) > 0 else { throw error("expected digits after '.'") }
            }
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
                offset += 1
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset += 1 }
                guard digits(&self) > 0 else { throw error("expected exponent digits") }
            }
            return .number(String(decoding: bytes[start..<offset], as: UTF8.self))
        }

        mutating func string() throws(JSONParseError) -> String {
            offset += 1  // opening quote
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() { scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars); raw.removeAll() }
            while offset < bytes.count {
                let byte = bytes[offset]
                offset += 1
                switch byte {
                case UInt8(ascii: "\""):
                    flush()
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    flush()
                    guard offset < bytes.count else { break }
                    let escape = bytes[offset]
                    offset += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        // A surrogate pair encodes one scalar; a lone surrogate becomes U+FFFD as in Go.
                        if code >= 0xD800 && code < 0xDC00, bytes.count - offset >= 6,
                           bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") {
                            let saved = offset
                            offset += 2
                            let low = try hex4()
                            if low >= 0xDC00 && low < 0xE000 {
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                offset = saved
                            }
                        }
                        scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    default:
                        throw error("invalid escape")
                    }
                case 0..<0x20:
                    throw error("control character in string")
                default:
                    raw.append(byte)
                }
            }
            throw error("unterminated string")
        }

        mutating func hex4() throws(JSONParseError) -> UInt32 {
            guard bytes.count - offset >= 4 else { throw error("short \\u escape") }
            var code: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[offset]
                offset += 1
                let digit: UInt32
                switch byte {
                case 0x30...0x39: digit = UInt32(byte - 0x30)
                case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
                default: throw error("invalid \\u escape")
                }
                code = code << 4 | digit
            }
            return code
        }
    }
}


/// Where a JSON text stops making sense.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let reason: String
    public var description: String { "invalid JSON at offset \(offset): \(reason)" }
}
