import CSystemd
import Glibc

/// A received message (a method reply), read front to back with typed readers. Owned by
/// the thread that made the call; never shared.
public final class BusMessage {
    let pointer: OpaquePointer

    /// Takes over the reference `pointer` holds.
    init(adopting pointer: OpaquePointer) { self.pointer = pointer }
    deinit { sd_bus_message_unref(pointer) }

    public func readString() throws(BusError) -> String { try readText("s") }
    public func readObjectPath() throws(BusError) -> String { try readText("o") }

    public func readUInt32() throws(BusError) -> UInt32 { try readFixed("u", UInt32.self) }
    public func readUInt64() throws(BusError) -> UInt64 { try readFixed("t", UInt64.self) }

    public func readBool() throws(BusError) -> Bool {
        // D-Bus booleans are read into a C int.
        var value: Int32 = 0
        try readBasic("b", &value)
        return value != 0
    }

    /// Reads an array whose elements have the signature `element`, one `read` per element;
    /// `read` consumes exactly one element.
    public func readArray<T>(of element: String, _ read: (BusMessage) throws(BusError) -> T) throws(BusError) -> [T] {
        try enter("a", element)
        var result: [T] = []
        while try !isAtEnd() {
            result.append(try read(self))
        }
        try exit()
        return result
    }

    /// Reads one struct with the member signature `members`.
    public func readStruct<T>(_ members: String, _ read: (BusMessage) throws(BusError) -> T) throws(BusError) -> T {
        try enter("r", members)
        let value = try read(self)
        try exit()
        return value
    }

    /// Reads a variant; containers are skipped and reported as `.unsupported`.
    public func readVariant() throws(BusError) -> BusValue {
        var type: CChar = 0
        var contentsPointer: UnsafePointer<CChar>?
        try check(sd_bus_message_peek_type(pointer, &type, &contentsPointer), "peek variant")
        guard type == Self.code("v"), let contentsPointer else {
            throw BusError(name: "", message: "expected a variant, found type \(UnicodeScalar(UInt8(bitPattern: type)))", errno: EBADMSG)
        }
        let contents = String(cString: contentsPointer)
        try enter("v", contents)
        let value: BusValue
        switch contents {
        case "s": value = .string(try readString())
        case "o": value = .objectPath(try readObjectPath())
        case "g": value = .string(try readText("g"))
        case "b": value = .bool(try readBool())
        case "y": value = .byte(try readFixed("y", UInt8.self))
        case "n": value = .int16(try readFixed("n", Int16.self))
        case "q": value = .uint16(try readFixed("q", UInt16.self))
        case "i": value = .int32(try readFixed("i", Int32.self))
        case "u": value = .uint32(try readFixed("u", UInt32.self))
        case "x": value = .int64(try readFixed("x", Int64.self))
        case "t": value = .uint64(try readFixed("t", UInt64.self))
        case "d": value = .double(try readFixed("d", Double.self))
        default:
            try check(sd_bus_message_skip(pointer, contents), "skip \(contents)")
            value = .unsupported(contents)
        }
        try exit()
        return value
    }

    /// Reads an `a{sv}` property dictionary, as `Properties.GetAll` returns.
    public func readProperties() throws(BusError) -> BusProperties {
        var properties = BusProperties()
        try enter("a", "{sv}")
        while try !isAtEnd() {
            try enter("e", "sv")
            let name = try readString()
            properties.values[name] = try readVariant()
            try exit()
        }
        try exit()
        return properties
    }

    // MARK: - sd-bus plumbing

    private static func code(_ letter: Unicode.Scalar) -> CChar { CChar(bitPattern: UInt8(letter.value)) }

    private func check(_ result: Int32, _ what: String) throws(BusError) {
        if result < 0 { throw BusError(code: result, doing: "reading reply: \(what)") }
    }

    private func readBasic<T>(_ type: Unicode.Scalar, _ value: inout T) throws(BusError) {
        let result = withUnsafeMutablePointer(to: &value) { sd_bus_message_read_basic(pointer, Self.code(type), $0) }
        try check(result, "read \(type)")
        if result == 0 { throw BusError(name: "", message: "reading reply: no \(type) value left", errno: EBADMSG) }
    }

    private func readFixed<T: FixedWidthInteger>(_ type: Unicode.Scalar, _: T.Type) throws(BusError) -> T {
        var value: T = 0
        try readBasic(type, &value)
        return value
    }

    private func readFixed(_ type: Unicode.Scalar, _: Double.Type) throws(BusError) -> Double {
        var value: Double = 0
        try readBasic(type, &value)
        return value
    }

    private func readText(_ type: Unicode.Scalar) throws(BusError) -> String {
        var text: UnsafePointer<CChar>?
        try readBasic(type, &text)
        return text.map { String(cString: $0) } ?? ""
    }

    private func enter(_ type: Unicode.Scalar, _ contents: String) throws(BusError) {
        let result = sd_bus_message_enter_container(pointer, Self.code(type), contents)
        try check(result, "enter \(type)\(contents)")
        if result == 0 { throw BusError(name: "", message: "reading reply: expected \(type)\(contents)", errno: EBADMSG) }
    }

    private func exit() throws(BusError) {
        try check(sd_bus_message_exit_container(pointer), "exit container")
    }

    private func isAtEnd() throws(BusError) -> Bool {
        let result = sd_bus_message_at_end(pointer, 0)
        try check(result, "at end")
        return result > 0
    }
}
