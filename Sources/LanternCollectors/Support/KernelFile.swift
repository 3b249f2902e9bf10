import LanternSupport

/// What a pure parser throws; `KernelFile.parse` attaches the path.
public struct KernelParseError: Error, CustomStringConvertible, Sendable, Equatable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

extension KernelFile {
    /// Reads a file and runs a pure parser on it; parse failures name the file.
    public static func parse<Value>(_ path: String, with parser: (String) throws(KernelParseError) -> Value) throws(KernelFileError) -> Value {
        let content = try read(path)
        do {
            return try parser(content)
        } catch {
            throw KernelFileError(path: path, reason: error.reason)
        }
    }

    /// A file holding one unsigned decimal number, such as sysfs attributes and sysctls
    /// (both give their whole value in the first read, see `readAttribute`).
    public static func readUInt(_ path: String) throws(KernelFileError) -> UInt64 {
        try parse(try attribute(path), from: path) { (text) throws(KernelParseError) in try parseUInt(text[...], field: "value") }
    }

    /// Entries named `<prefix><digit>...`, as matched by the glob `<prefix>[0-9]*`.
    /// A missing directory gives no entries, as a glob does.
    public static func numberedEntries(of path: String, prefix: String) -> [String] {
        numbered((try? entries(of: path)) ?? [], prefix: prefix)
    }

    /// The `names` that are `prefix` followed by a digit, as `numberedEntries` lists them.
    static func numbered(_ names: [String], prefix: String) -> [String] {
        names.filter { name in
            guard name.hasPrefix(prefix) else { return false }
            let rest = name.utf8.dropFirst(prefix.utf8.count)
            guard let first = rest.first else { return false }
            return first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")
        }
    }
}
