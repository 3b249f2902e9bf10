import Glibc
import Yams

/// `file_sd_configs`: target groups read from JSON or YAML files matched by globs.
/// Files are re-read when their modification time changes (polled; no inotify) and
/// at the refresh interval, as Prometheus re-reads them then too.
public enum FileDiscovery {
    public struct FileError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Paths matching the patterns, sorted; a pattern without matches yields nothing.
    public static func expand(_ patterns: [String]) -> [String] {
        var paths: [String] = []
        for pattern in patterns {
            var matches = glob_t()
            defer { globfree(&matches) }
            guard glob(pattern, 0, nil, &matches) == 0 else { continue }
            for index in 0..<Int(matches.gl_pathc) {
                if let path = matches.gl_pathv[index] { paths.append(String(cString: path)) }
            }
        }
        return paths.sorted()
    }

    /// Modification times by path, to notice edits cheaply.
    public static func modificationTimes(_ paths: [String]) -> [String: Int64] {
        var times: [String: Int64] = [:]
        for path in paths {
            var info = stat()
            if stat(path, &info) == 0 { times[path] = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec) }
        }
        return times
    }

    /// Reads one file: a list of `{targets: [...], labels: {...}}`. `.json`, `.yml` and
    /// `.yaml` are accepted; JSON is read by the YAML parser, of which it is a subset.
    public static func read(_ path: String) throws -> [TargetGroup] {
        guard path.hasSuffix(".json") || path.hasSuffix(".yml") || path.hasSuffix(".yaml") else {
            throw FileError(description: "\(path): only .json, .yml and .yaml files are supported")
        }
        let text = try readFile(path)
        guard let root = try Yams.compose(yaml: text) else { return [] }
        guard let list = root.sequence else { throw FileError(description: "\(path): expected a list of target groups") }
        var groups: [TargetGroup] = []
        for (index, node) in list.enumerated() {
            guard let mapping = node.mapping else { throw FileError(description: "\(path): group \(index) is not a mapping") }
            var targets: [String] = []
            var labels: [String: String] = [:]
            for (key, value) in mapping {
                switch key.string {
                case "targets": targets = value.sequence?.compactMap(\.string) ?? []
                case "labels":
                    for (name, labelValue) in value.mapping ?? [:] {
                        guard let name = name.string, LabelName.isValid(name) else {
                            throw FileError(description: "\(path): group \(index): invalid label name \(name.string ?? "")")
                        }
                        labels[name] = labelValue.string ?? ""
                    }
                default: throw FileError(description: "\(path): group \(index): unknown field \(key.string ?? "")")
                }
            }
            // Prometheus' file SD meta label: which file the group came from (relabeling may use it).
            labels["__meta_filepath"] = path
            groups.append(TargetGroup(targets: targets, labels: labels, source: "\(path):\(index)"))
        }
        return groups
    }

    static func readFile(_ path: String) throws -> String {
        guard let file = fopen(path, "r") else { throw FileError(description: "\(path): \(String(cString: strerror(errno)))") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
