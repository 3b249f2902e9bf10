/// /proc/sys/fs/file-nr: allocated, free (always 0 since Linux 2.6) and maximum file handles.
public struct FileNr: Sendable, Hashable {
    public var allocated: Double
    public var maximum: Double

    public static func parse(_ text: String) throws(KernelParseError) -> FileNr {
        let parts = fields(text[...])
        guard parts.count == 3 else {
            throw KernelParseError("unexpected number of file stats: \(parts.count) fields, expected 3")
        }
        return FileNr(allocated: try parseDouble(parts[0], field: "allocated"), maximum: try parseDouble(parts[2], field: "maximum"))
    }
}
