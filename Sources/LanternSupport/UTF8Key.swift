/// A string as a set member or dictionary key by its UTF-8 bytes, as Go's map keys are.
/// Swift's own `String` hashing and `==` make canonically equivalent spellings ("\u{212A}"
/// KELVIN SIGN and "K", "é" precomposed and decomposed) one key: two label values
/// Prometheus keeps apart.
public struct UTF8Key: Hashable, Sendable {
    public let string: String

    @inlinable
    public init(_ string: String) { self.string = string }

    @inlinable
    public static func == (lhs: UTF8Key, rhs: UTF8Key) -> Bool { lhs.string.utf8Equals(rhs.string) }

    @inlinable
    public func hash(into hasher: inout Hasher) {
        var string = string
        string.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
