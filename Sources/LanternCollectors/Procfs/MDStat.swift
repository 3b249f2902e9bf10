/// One md device of /proc/mdstat, read as prometheus/procfs does.
public struct MDStat: Sendable, Equatable {
    public var name: String
    /// `active` or `inactive` from the device line, replaced by `recovering`, `reshaping`,
    /// `resyncing` or `checking` while the array syncs.
    public var activityState: String
    public var disksActive: Int64
    /// Disks the array needs.
    public var disksTotal: Int64
    /// Component devices marked `(F)` and `(S)`.
    public var disksFailed: Int64
    public var disksSpare: Int64
    /// Missing members (`_` in the `[UU_]` map).
    public var disksDown: Int64
    public var blocksTotal: Int64
    /// Blocks in sync: the total unless the array syncs (0 while the sync is pending or delayed).
    public var blocksSynced: Int64

    public static func parse(_ text: String) throws(KernelParseError) -> [MDStat] {
        let statusLine = try compile(#"(\d+) blocks .*\[(\d+)/(\d+)\] \[([U_]+)\]"#)
        let recoveryBlocks = try compile(#"\((\d+)/\d+\)"#)
        // The percentage, finish time and speed are not exposed, but a sync line without
        // them is malformed, as for procfs.
        let recoveryDetails = [
            ("percentage", try compile(#"= (.+)%"#)), ("finish time", try compile(#"finish=(.+)min"#)),
            ("speed", try compile(#"speed=(.+)[A-Z]"#)),
        ]

        let allLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var devices: [MDStat] = []
        for (index, line) in allLines.enumerated() {
            if trimmed(line).isEmpty || line.first == " " || line.hasPrefix("Personalities") || line.hasPrefix("unused") { continue }
            let deviceFields = fields(line)
            guard deviceFields.count >= 3 else { throw KernelParseError("not enough fields in mdline (expected at least 3): \(line)") }
            let name = String(deviceFields[0])
            guard allLines.count > index + 3 else { throw KernelParseError("error parsing \"\(name)\": too few lines for md device") }

            var device = MDStat(
                name: name, activityState: String(deviceFields[2]), disksActive: 0, disksTotal: 0,
                disksFailed: Int64(line.occurrences(of: "(F)")), disksSpare: Int64(line.occurrences(of: "(S)")),
                disksDown: 0, blocksTotal: 0, blocksSynced: 0)
            try device.readStatus(deviceLine: line, statusLine: allLines[index + 1], pattern: statusLine)

            let syncLine = allLines[allLines[index + 2].contains("bitmap") ? index + 3 : index + 2]
            device.blocksSynced = device.blocksTotal
            let recovering = syncLine.contains("recovery"), reshaping = syncLine.contains("reshape")
            let resyncing = syncLine.contains("resync"), checking = syncLine.contains("check")
            if recovering || reshaping || resyncing || checking {
                device.activityState = recovering ? "recovering" : reshaping ? "reshaping" : checking ? "checking" : "resyncing"
                if syncLine.contains("PENDING") || syncLine.contains("DELAYED") {
                    device.blocksSynced = 0
                } else {
                    guard let blocks = try capture(recoveryBlocks, in: syncLine), let synced = Int64(blocks) else {
                        throw KernelParseError("error parsing sync line in md device \"\(name)\": \(syncLine)")
                    }
                    device.blocksSynced = synced
                    for (what, pattern) in recoveryDetails {
                        guard let value = try capture(pattern, in: syncLine), Double(trimmed(value[...])) != nil else {
                            throw KernelParseError("unexpected recovery line matching \(what) in md device \"\(name)\": \(syncLine)")
                        }
                    }
                }
            }
            devices.append(device)
        }
        return devices
    }

    /// The line after the device line: block count, and for redundant arrays `[total/active] [U_]`.
    private mutating func readStatus(deviceLine: Substring, statusLine: Substring, pattern: Regex<AnyRegexOutput>) throws(KernelParseError) {
        guard let sizeField = fields(statusLine).first, let size = Int64(sizeField) else {
            throw KernelParseError("unexpected statusLine \"\(statusLine)\"")
        }
        blocksTotal = size
        if deviceLine.contains("raid0") || deviceLine.contains("linear") {
            // Only member disks carry a `[n]` on the device line.
            disksTotal = Int64(deviceLine.occurrences(of: "["))
            disksActive = disksTotal
            return
        }
        if deviceLine.contains("inactive") { return }
        let match: Regex<AnyRegexOutput>.Match?
        do {
            match = try pattern.firstMatch(in: statusLine)
        } catch {
            throw KernelParseError("couldn't match statusLine \"\(statusLine)\": \(error)")
        }
        guard let match, match.count == 5,
              let total = match[2].substring.flatMap({ Int64($0) }), let active = match[3].substring.flatMap({ Int64($0) }),
              let map = match[4].substring else {
            throw KernelParseError("couldn't find all the substring matches: \(statusLine)")
        }
        (disksTotal, disksActive, disksDown) = (total, active, Int64(map.occurrences(of: "_")))
    }

    private static func compile(_ pattern: String) throws(KernelParseError) -> Regex<AnyRegexOutput> {
        do {
            return try Regex(pattern).matchingSemantics(.unicodeScalar)
        } catch {
            throw KernelParseError("invalid regular expression \(pattern): \(error)")
        }
    }

    /// The first capture group of the first match, or nil.
    private static func capture(_ pattern: Regex<AnyRegexOutput>, in line: Substring) throws(KernelParseError) -> String? {
        do {
            guard let match = try pattern.firstMatch(in: line), match.count > 1 else { return nil }
            return match[1].substring.map(String.init)
        } catch {
            throw KernelParseError("cannot match \"\(line)\": \(error)")
        }
    }
}

extension Substring {
    /// Non-overlapping occurrences of `needle`, like Go's `strings.Count`.
    fileprivate func occurrences(of needle: String) -> Int {
        var count = 0
        var rest = self[...]
        while let range = rest.firstRange(of: needle) {
            count += 1
            rest = rest[range.upperBound...]
        }
        return count
    }
}
