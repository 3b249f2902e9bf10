import Glibc
import LanternSupport

/// Go's `path/filepath` behaviour that textfile output depends on: `Join` (which cleans
/// the result, so `dir/` + `x.prom` is `dir/x.prom`) and `Glob` (which lets `*` match a
/// leading dot, unlike glob(3), and returns each directory's matches sorted).
///
/// Paths are kept as the user gave them (metric labels and HELP texts show them);
/// `resolve` maps a relative one to where it is opened, normally the working directory.
struct GoPathGlob: Sendable {
    /// Directory that relative paths are opened from; nil is the working directory.
    var workingDirectory: String?

    func resolve(_ path: String) -> String {
        guard let workingDirectory, !path.isEmpty, !path.hasPrefix("/") else { return path }
        return workingDirectory + "/" + path
    }

    /// `filepath.Glob`: nil for a malformed pattern, else the matches (empty when none).
    func glob(_ pattern: String) -> [String]? {
        guard Self.hasMeta(pattern) else {
            var status = stat()
            return lstat(resolve(pattern), &status) == 0 ? [pattern] : []
        }
        let (directoryPart, filePart) = Self.split(pattern)
        let directory = Self.cleanGlobDirectory(directoryPart)
        guard Self.hasMeta(directory) else { return matches(in: directory, filePart) }
        // A directory part that is the whole pattern again would recurse forever.
        guard directory != pattern, let directories = glob(directory) else { return nil }
        var result: [String] = []
        for candidate in directories {
            guard let found = matches(in: candidate, filePart) else { return nil }
            result += found
        }
        return result
    }

    /// Names in `directory` matching `pattern`, joined to it; nil for a malformed pattern.
    private func matches(in directory: String, _ pattern: String) -> [String]? {
        guard Self.isWellFormed(pattern) else { return nil }
        var status = stat()
        guard stat(resolve(directory), &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR,
              let names = try? KernelFile.entries(of: resolve(directory)) else { return [] }
        return names.filter { fnmatch(pattern, $0, 0) == 0 }.map { Self.join(directory, $0) }
    }

    static func hasMeta(_ path: String) -> Bool {
        path.utf8.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "\\") }
    }

    /// Go rejects an unclosed `[` class and a trailing backslash; fnmatch(3) would just not match.
    private static func isWellFormed(_ pattern: String) -> Bool {
        var bytes = Array(pattern.utf8)[...]
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "\\") {
                guard bytes.popFirst() != nil else { return false }
            } else if byte == UInt8(ascii: "[") {
                guard let close = bytes.dropFirst().firstIndex(of: UInt8(ascii: "]")) else { return false }
                bytes = bytes[(close + 1)...]
            }
        }
        return true
    }

    /// `filepath.Split`: everything up to and including the last slash, and the rest.
    private static func split(_ path: String) -> (String, String) {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return ("", path) }
        let afterSlash = path.utf8.index(after: slash)
        return (String(path[..<afterSlash]), String(path[afterSlash...]))
    }

    private static func cleanGlobDirectory(_ path: String) -> String {
        switch path {
        case "": "."
        case "/": "/"
        default: String(path.dropLast())  // the trailing slash split() left
        }
    }

    /// `filepath.Join(directory, name)`: the two joined by a slash, then cleaned.
    static func join(_ directory: String, _ name: String) -> String {
        if directory.isEmpty { return clean(name) }
        return clean(directory + "/" + name)
    }

    /// `filepath.Clean`: no repeated slashes, no `.` elements, `..` resolved lexically,
    /// no trailing slash; `.` for an empty result.
    static func clean(_ path: String) -> String {
        let rooted = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !rooted {
                    parts.append(part)
                }
            default: parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if rooted { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
