/// A YAML document as a tree, with the position of every node for error messages.
public struct YAMLNode: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case null
        /// A scalar's text; `quoted` scalars are always strings, never null or bool.
        case scalar(String, quoted: Bool)
        /// Keys in document order (duplicates are rejected by the parser).
        case mapping([Entry])
        case sequence([YAMLNode])
    }

    public struct Entry: Sendable, Equatable {
        public let key: String
        public let keyLine: Int
        public let value: YAMLNode
    }

    public let kind: Kind
    /// 1-based.
    public let line: Int
    public let column: Int

    public init(_ kind: Kind, line: Int, column: Int) {
        self.kind = kind
        self.line = line
        self.column = column
    }
}

/// A position and what is wrong there.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}
