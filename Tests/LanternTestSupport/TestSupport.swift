import Foundation

/// What the integration tests of every target share: the built binaries, temporary
/// directories, ports, child processes and the Prometheus-style JSON API.
public enum TestSupport {
    /// The build products directory: where the test bundle itself lives, next to the
    /// binaries built by the same `swift build`.
    public static let productsDirectory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    public static var exporter: String { productsDirectory.appendingPathComponent("lantern-exporter").path }
    public static var server: String { productsDirectory.appendingPathComponent("lantern-server").path }

    /// The package root, found from this file's real path (it may be reached through symlinks).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("no Package.swift above \(#filePath)")
    }()

    /// `../shared` beside the package (or `$LANTERN_SHARED`).
    public static var shared: URL {
        if let override = ProcessInfo.processInfo.environment["LANTERN_SHARED"] {
            return URL(fileURLWithPath: override)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared").standardizedFileURL
    }

    /// A fresh temporary directory, removed by the caller.
    public static func temporaryDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lantern-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A failed precondition of a test, with what to look at.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
