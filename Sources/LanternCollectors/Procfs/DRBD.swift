/// /proc/drbd (DRBD 8): whitespace-separated `key:value` words; a `<minor>:` word starts
/// the next device. Read the way node_exporter's drbd collector reads it.
public struct DRBDDevice: Sendable, Equatable {
    /// `drbd<minor>`, or `unknown` for values before the first device.
    public var name: String
    /// `key:number` values (`ns`, `nr`, `dw`, ...), in file order.
    public var numbers: [Number] = []
    /// `key:local/remote` values (`ro`, `ds`), in file order.
    public var pairs: [Pair] = []
    /// The `cs:` connection state, if given.
    public var connectionState: String?

    public struct Number: Sendable, Equatable {
        public var key: String
        public var value: Double
    }

    public struct Pair: Sendable, Equatable {
        public var key: String
        public var local: String
        public var remote: String
    }

    /// Keys whose values are numbers.
    public static let numericKeys: Set<String> = ["ns", "nr", "dw", "dr", "al", "bm", "lo", "pe", "ua", "ap", "ep", "oos"]
    /// Keys whose values are `local/remote` pairs.
    public static let pairKeys: Set<String> = ["ro", "ds"]

    public static func parse(_ text: String) throws(KernelParseError) -> [DRBDDevice] {
        var devices: [DRBDDevice] = []
        var current = DRBDDevice(name: "unknown")
        var started = false
        for word in text.split(whereSeparator: isASCIISpace) {
            let parts = word.split(separator: ":", omittingEmptySubsequences: false)
            // Words that are not one key:value pair (the version header, `C`, `r-----`) are skipped.
            guard parts.count == 2 else { continue }
            let key = String(parts[0]), value = parts[1]
            if value.isEmpty, let minor = UInt64(key) {
                if started { devices.append(current) }
                current = DRBDDevice(name: "drbd\(minor)")
                started = true
            } else if numericKeys.contains(key) {
                current.numbers.append(Number(key: key, value: try parseDouble(value, field: "DRBD \(key)")))
                started = true
            } else if pairKeys.contains(key) {
                let sides = value.split(separator: "/", omittingEmptySubsequences: false)
                guard sides.count >= 2 else { throw KernelParseError("invalid DRBD \(key) value \"\(value)\": want local/remote") }
                current.pairs.append(Pair(key: key, local: String(sides[0]), remote: String(sides[1])))
                started = true
            } else if key == "cs" {
                current.connectionState = String(value)
                started = true
            }
        }
        if started { devices.append(current) }
        return devices
    }
}
