/// A file below /proc/sys read as sysctl(8) does: whitespace-separated values.
public enum Sysctl {
    /// The path below /proc/sys of a dotted sysctl name (`fs.file-nr` -> `fs/file-nr`).
    public static func relativePath(of name: String) -> String {
        "sys/" + name.replacing(".", with: "/")
    }

    public static func parseStrings(_ text: String) -> [String] {
        fields(text[...]).map(String.init)
    }

    public static func parseIntegers(_ text: String) throws(KernelParseError) -> [Int] {
        var values: [Int] = []
        for field in fields(text[...]) {
            guard let value = Int(field) else { throw KernelParseError("invalid sysctl value \"\(field)\": not an integer") }
            values.append(value)
        }
        return values
    }
}
