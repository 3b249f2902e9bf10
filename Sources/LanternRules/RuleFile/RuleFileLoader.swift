#if canImport(Glibc)
import Glibc
#endif

/// Rule files from disk, and `rule_files` globs expanded the way Go's `filepath.Glob` does.
public enum RuleFileLoader {
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public static func load(path: String) throws -> RuleFile {
        guard let text = readFile(path) else { throw LoadError(description: "\(path): open \(path): no such file or directory") }
        switch RuleFileParser.parse(text, path: path) {
        case .success(let file): return file
        case .failure(let errors): throw LoadError(description: errors.errors.map { "\(path): \($0)" }.joined(separator: "\n"))
        }
    }

    static func readFile(_ path: String) -> String? {
        guard let handle = fopen(path, "r") else { return nil }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, handle)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Matching paths of each pattern, sorted, relative patterns taken from `directory`
    /// (the configuration file's), duplicates removed.
    public static func expand(_ patterns: [String], relativeTo directory: String) -> [String] {
        var paths: [String] = []
        for pattern in patterns {
            let absolute = pattern.hasPrefix("/") || directory.isEmpty ? pattern : directory + "/" + pattern
            var result = glob_t()
            defer { globfree(&result) }
            guard glob(absolute, 0, nil, &result) == 0 else { continue }
            for index in 0..<Int(result.gl_pathc) {
                if let cString = result.gl_pathv[index] { paths.append(String(cString: cString)) }
            }
        }
        var seen = Set<String>()
        return paths.sorted().filter { seen.insert($0).inserted }
    }
}
