/// Why a web config file was refused: one line, naming the file's line when it is known.
public struct WebConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    init(line: Int, _ message: String) { self.message = "line \(line): \(message)" }

    public var description: String { message }
}
