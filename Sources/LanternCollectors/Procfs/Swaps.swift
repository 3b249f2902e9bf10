/// One line of /proc/swaps.
public struct SwapDevice: Sendable, Hashable {
    public var filename: String
    public var type: String
    /// In KiB.
    public var size: Int
    /// In KiB.
    public var used: Int
    public var priority: Int
}

/// /proc/swaps: a header line, then `filename type size used priority` per device.
public enum Swaps {
    public static func parse(_ text: String) throws(KernelParseError) -> [SwapDevice] {
        var devices: [SwapDevice] = []
        for line in lines(text).dropFirst() {
            let parts = fields(line)
            if parts.isEmpty { continue }
            guard parts.count == 5 else { throw KernelParseError("couldn't parse swap line \"\(trimmed(line))\": \(parts.count) fields, expected 5") }
            guard let size = Int(parts[2]), let used = Int(parts[3]), let priority = Int(parts[4]) else {
                throw KernelParseError("invalid size, used or priority in swap line \"\(trimmed(line))\"")
            }
            devices.append(SwapDevice(filename: String(parts[0]), type: String(parts[1]), size: size, used: used, priority: priority))
        }
        return devices
    }
}
