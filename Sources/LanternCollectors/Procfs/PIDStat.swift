/// The fields of /proc/[pid]/stat (or /proc/[pid]/task/[tid]/stat) the processes
/// collector needs.
public struct PIDStat: Sendable, Hashable {
    /// One letter: R, S, D, Z, T, t, X, I, ...
    public var state: String
    public var threads: Int

    /// `pid (comm) state ppid ...`: the command may hold spaces and parentheses, so the
    /// fields start after its last `)`.
    public static func parse(_ text: String) throws(KernelParseError) -> PIDStat {
        guard text.contains("("), let close = text.lastIndex(of: ")") else {
            throw KernelParseError("unexpected format, couldn't extract comm")
        }
        let parts = fields(text[text.index(after: close)...])
        // state is field 0 after the command, num_threads field 17.
        guard parts.count > 17 else { throw KernelParseError("stat has \(parts.count) fields after the command, expected at least 18") }
        guard let threads = Int(parts[17]) else { throw KernelParseError("invalid num_threads \"\(parts[17])\": not an integer") }
        return PIDStat(state: String(parts[0]), threads: threads)
    }
}
