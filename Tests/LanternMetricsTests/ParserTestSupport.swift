import Testing
@testable import LanternMetrics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Locates `../shared` next to the package root: the real path of this file
/// (sources may be reached through symlinks), walked up to `Package.swift`.
enum SharedFixtures {
    static let directory: String = {
        var path = realPath(#filePath)
        while path != "/" && !path.isEmpty {
            path = parent(path)
            if access(path + "/Package.swift", F_OK) == 0 { return parent(path) + "/shared" }
        }
        return "/work/shared"
    }()

    static func read(_ relativePath: String) -> [UInt8]? {
        guard let file = fopen(directory + "/" + relativePath, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    static func list(_ relativeDirectory: String) -> [String] {
        guard let handle = opendir(directory + "/" + relativeDirectory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names.sorted()
    }

    private static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "/" }
        let result = String(path[..<slash])
        return result.isEmpty ? "/" : result
    }
}

func families(_ text: String, _ format: ExpositionFormat = .prometheusText) throws(ParseError) -> [MetricFamily] {
    try ExpositionParser.metricFamilies(in: Array(text.utf8), format: format)
}

func parseError(_ text: String, _ format: ExpositionFormat = .prometheusText) -> ParseError? {
    do {
        _ = try families(text, format)
        return nil
    } catch {
        return error
    }
}
