/// A syntax or type error, printed the way Prometheus prints it:
/// `1:5: parse error: unexpected ...` (line and 1-based column of the start position).
public struct ParseError: Error, Sendable, CustomStringConvertible {
    /// Nil when the error concerns the whole input (an empty query).
    public let position: PositionRange?
    public let message: String
    /// Set when the query uses an experimental Prometheus feature Lantern does not enable.
    public let isExperimentalFeature: Bool
    let query: String

    init(_ message: String, at position: PositionRange?, in query: String, experimental: Bool = false) {
        self.message = message
        self.position = position
        self.query = query
        self.isExperimentalFeature = experimental
    }

    public var description: String {
        guard let position else { return "unknown position: parse error: \(message)" }
        let bytes = Array(query.utf8)
        let offset = min(max(position.start, 0), bytes.count)
        var line = 1
        var lastLineBreak = -1
        for index in 0..<offset where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lastLineBreak = index
        }
        return "\(line):\(offset - lastLineBreak): parse error: \(message)"
    }
}
