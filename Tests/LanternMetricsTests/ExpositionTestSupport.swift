#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LanternMetrics

/// Fixture access for the exposition tests, without Foundation.
enum ExpositionFixtures {
    /// `<package root>/../shared`, found from this file's real path: the sources may be
    /// reached through symlinks from another package.
    static var sharedDirectory: String? {
        guard let resolved = realpath(#filePath, nil) else { return nil }
        defer { free(resolved) }
        var directory = String(cString: resolved)
        while let slash = directory.lastIndex(of: "/"), slash != directory.startIndex {
            directory = String(directory[..<slash])
            if access(directory + "/Package.swift", F_OK) == 0 {
                let parent = directory.lastIndex(of: "/").map { String(directory[..<$0]) } ?? ""
                return parent + "/shared"
            }
        }
        return nil
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            contents.append(contentsOf: chunk[0..<count])
        }
        return contents
    }

    /// The lines of node_exporter's e2e-output.txt, or nil when the fixtures are missing.
    static var e2eOutputLines: [String]? {
        guard let shared = sharedDirectory,
              let bytes = read(shared + "/fixtures/node_exporter/e2e-output.txt") else { return nil }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
}
