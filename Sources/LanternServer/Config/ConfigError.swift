/// A configuration error with the key path (`scrape_configs[0].scrape_interval`) and the
/// line it was found on, so a user can go straight to it.
public struct ConfigError: Error, Sendable, CustomStringConvertible, Equatable {
    public let path: String
    /// 1-based; 0 when the error concerns the file as a whole.
    public let line: Int
    public let message: String

    public var description: String {
        let location = line > 0 ? "line \(line): " : ""
        return path.isEmpty ? location + message : "\(location)\(path): \(message)"
    }
}
