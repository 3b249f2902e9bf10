#if canImport(Glibc)
import Glibc
import LanternSupport
#endif

/// `--help` text in the layout of kingpin v2's default usage template.
extension FlagSet {
    /// The help text for a terminal `width` columns wide (kingpin uses `$COLUMNS`, else the
    /// terminal's width, else 80; see `helpWidth()`).
    public func usage(width: Int = 80) -> String {
        var text = "usage: \(programName) [<flags>]\n"
        if !programHelp.isEmpty {
            text += "\n" + wrapWords(programHelp, width: width).joined(separator: "\n") + "\n"
        }
        // The template leaves two newlines between the usage block and "Flags:".
        text += "\n\nFlags:\n"

        // kingpin indents every long form when any flag (even a hidden one) has a short form.
        let anyShort = flags.contains { $0.short != nil }
        let rows = flags.filter { !$0.hidden }.map { (column: usageColumn(for: $0, anyShort: anyShort), help: $0.help) }
        let indent = 2, padding = 2
        // Entries of 30 characters or more do not widen the column; their help starts on the next line.
        let columnWidth = rows.map(\.column.count).filter { $0 < 30 }.max() ?? 0
        let helpIndent = String(repeating: " ", count: indent + columnWidth + padding)
        for row in rows {
            text += String(repeating: " ", count: indent) + row.column
            text += String(repeating: " ", count: max(0, columnWidth - row.column.count) + padding)
            if row.column.count >= 30 { text += "\n" + helpIndent }
            let lines = wrapWords(row.help, width: width - columnWidth - padding - indent)
            text += (lines.first ?? "") + "\n"
            for line in lines.dropFirst() { text += helpIndent + line + "\n" }
        }
        return text + "\n"
    }

    /// `-h, --[no-]help`, `    --path.procfs="/proc"`, `    --web.listen-address=:9100 ...`.
    private func usageColumn(for flag: Flag, anyShort: Bool) -> String {
        let name = flag.kind == .bool ? "[no-]" + flag.name : flag.name
        var column: String
        if let short = flag.short {
            column = "-\(short), --\(name)"
        } else {
            column = (anyShort ? "    --" : "--") + name
        }
        if flag.kind != .bool { column += "=" + placeholder(for: flag) }
        if flag.repeatable { column += " ..." }
        return column
    }

    /// The explicit placeholder, else the default (Go-quoted for plain string flags), else the
    /// upper-cased name.
    private func placeholder(for flag: Flag) -> String {
        if let placeholder = flag.placeholder { return placeholder }
        if let defaultValue = flag.defaultValue {
            // Only kingpin's single-string value is quoted; repeatable strings and enums are not.
            return flag.kind == .string && !flag.repeatable ? goQuote(defaultValue) : defaultValue
        }
        return flag.name.uppercased()
    }
}

/// The width kingpin lays help out for: `$COLUMNS` if numeric, else the width of the terminal on
/// standard output, else 80.
public func helpWidth() -> Int {
    if let columns = getenv("COLUMNS").flatMap({ Int(String(cString: $0)) }) { return columns }
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 { return Int(size.ws_col) }
    return 80
}

/// Splits `text` into lines of at most `width` characters the way Go's doc-comment printer does:
/// words joined by single spaces, minimising the sum of squared leftover space over all lines
/// but the last. A word longer than `width` gets a line of its own.
func wrapWords(_ text: String, width: Int) -> [String] {
    let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
    if words.isEmpty { return [""] }
    let count = words.count
    // cost[i]: best cost of laying out words[i...]; breakAt[i]: end of the first line from i.
    var cost = [Int](repeating: 0, count: count + 1)
    var breakAt = [Int](repeating: count, count: count + 1)
    for start in stride(from: count - 1, through: 0, by: -1) {
        var best = Int.max
        var length = -1
        for end in (start + 1)...count {
            length += words[end - 1].count + 1
            if length > width && end > start + 1 { break }
            let slack = max(0, width - length)
            let lineCost = end == count ? 0 : slack * slack
            if lineCost + cost[end] < best {
                best = lineCost + cost[end]
                breakAt[start] = end
            }
        }
        cost[start] = best
    }
    var lines: [String] = []
    var start = 0
    while start < count {
        lines.append(words[start..<breakAt[start]].joined(separator: " "))
        start = breakAt[start]
    }
    return lines
}
