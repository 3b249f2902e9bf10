/// The value inside a D-Bus variant, for the basic types properties use; containers are
/// kept as their signature only (no collector reads them).
public enum BusValue: Sendable, Equatable {
    case string(String)
    case objectPath(String)
    case bool(Bool)
    case byte(UInt8)
    case int16(Int16)
    case uint16(UInt16)
    case int32(Int32)
    case uint32(UInt32)
    case int64(Int64)
    case uint64(UInt64)
    case double(Double)
    /// A container or other type, skipped; its signature.
    case unsupported(String)
}

/// The properties of one interface of one object, as `GetAll` returns them.
public struct BusProperties: Sendable, Equatable {
    public var values: [String: BusValue]

    public init(_ values: [String: BusValue] = [:]) { self.values = values }

    public subscript(name: String) -> BusValue? { values[name] }

    /// Typed readers: nil when the property is absent or of another type.
    public func string(_ name: String) -> String? {
        switch values[name] {
        case .string(let value)?, .objectPath(let value)?: value
        default: nil
        }
    }

    public func bool(_ name: String) -> Bool? {
        if case .bool(let value)? = values[name] { return value }
        return nil
    }

    public func uint32(_ name: String) -> UInt32? {
        if case .uint32(let value)? = values[name] { return value }
        return nil
    }

    public func uint64(_ name: String) -> UInt64? {
        if case .uint64(let value)? = values[name] { return value }
        return nil
    }
}
