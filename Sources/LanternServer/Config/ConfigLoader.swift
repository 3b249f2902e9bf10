import Foundation

/// Reads the configuration file. Without one at the default path, Lantern scrapes the
/// local exporter (`ServerConfig.defaultYAML`), so the README's one command works.
public enum ConfigLoader {
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func load(path: String, explicitlySet: Bool) throws -> ServerConfig {
        guard FileManager.default.fileExists(atPath: path) || explicitlySet else {
            return try ConfigParser.parse(ServerConfig.defaultYAML)
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LoadError(description: "open \(path): no such file or directory")
        }
        do {
            return try ConfigParser.parse(text)
        } catch {
            throw LoadError(description: "parsing YAML file \(path): \(error)")
        }
    }

    /// The directory relative `rule_files` are taken from: Go's `filepath.Dir`, with ""
    /// for the working directory so the paths stay as written (Prometheus shows them so).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
