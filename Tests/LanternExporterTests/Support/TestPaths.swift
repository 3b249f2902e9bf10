import Foundation

/// Locations the end-to-end tests need: the package root, `../shared`, and the
/// directory holding the binaries this test run was built with.
enum TestPaths {
    /// The package root, found from this file's real path (it may be reached through symlinks).
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("no Package.swift above \(#filePath)")
    }()

    static var shared: URL {
        if let override = ProcessInfo.processInfo.environment["LANTERN_SHARED"] {
            return URL(fileURLWithPath: override)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared").standardizedFileURL
    }

    /// node_exporter's fixtures with their symbolic links and empty directories restored
    /// (the shared copy lost them; see `scripts/materialize-fixtures`), built once into
    /// `.build/`. The script runs even when the tree exists: it then only adds empty
    /// directories an older tree lacks.
    static let nodeExporterFixtures: URL = {
        let materialized = packageRoot.appendingPathComponent(".build/lantern-fixtures/node_exporter")
        let script = packageRoot.appendingPathComponent("scripts/materialize-fixtures").path
        _ = try? RunningProcess.run(script, [shared.appendingPathComponent("fixtures/node_exporter").path, materialized.path])
        return materialized
    }()

    /// The build products directory: where the test bundle itself lives.
    static let productsDirectory: URL = {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent()
    }()

    static var exporterBinary: URL { productsDirectory.appendingPathComponent("lantern-exporter") }

    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lantern-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
