/// One protocol line of /proc/net/sockstat or sockstat6 (`TCP: inuse 4 orphan 0 ...`).
/// Counts the line lacks are nil; `inuse` is always exposed (0 when absent), as in procfs.
public struct SockstatProtocol: Sendable, Hashable {
    public var name: String
    public var inUse = 0
    public var orphan: Int?
    public var timeWait: Int?
    public var alloc: Int?
    /// In pages.
    public var mem: Int?
    public var memory: Int?

    public init(name: String) { self.name = name }
}

/// /proc/net/sockstat or /proc/net/sockstat6.
public struct Sockstat: Sendable, Hashable {
    /// `sockets: used N`; only sockstat (IPv4) has it.
    public var used: Int?
    public var protocols: [SockstatProtocol] = []

    public init() {}

    public static func parse(_ text: String) throws(KernelParseError) -> Sockstat {
        var stat = Sockstat()
        // Keys compared as bytes, counts read in place: arrays of field strings and of
        // pairs per line cost ~40 K instructions a file, two files a scrape.
        try forEachLine(of: text) { (line, slice) throws(KernelParseError) in try parseLine(line, slice, into: &stat) }
        return stat
    }

    /// `<protocol>: key value ...`; every value must be an integer. A blank line is skipped.
    private static func parseLine(
        _ line: FieldCursor, _ slice: (Int, Int) -> Substring, into stat: inout Sockstat
    ) throws(KernelParseError) {
        var cursor = line
        guard let label = cursor.next() else { return }
        var fieldCount = 1
        var counter = cursor
        while counter.next() != nil { fieldCount += 1 }
        guard endsWithColon(line.bytes, label, slice), fieldCount % 2 == 1 else {
            throw KernelParseError("malformed sockstat line \"\(slice(line.position, line.end))\": expected \"<protocol>: key value ...\"")
        }
        let name = String(slice(label.start, label.end - 1))
        let bytes = line.bytes
        let isSockets = name == "sockets"
        var proto = SockstatProtocol(name: name)
        var firstUsed: Int?
        while let key = cursor.next(), let value = cursor.next() {
            guard let number = integer(bytes, value, slice) else {
                throw KernelParseError("invalid \(name) \(slice(key.start, key.end)) \"\(slice(value.start, value.end))\": not an integer")
            }
            if isSockets {
                if firstUsed == nil && bytes.holds("used", key) { firstUsed = number }
            } else if bytes.holds("inuse", key) {
                proto.inUse = number
            } else if bytes.holds("orphan", key) {
                proto.orphan = number
            } else if bytes.holds("tw", key) {
                proto.timeWait = number
            } else if bytes.holds("alloc", key) {
                proto.alloc = number
            } else if bytes.holds("mem", key) {
                proto.mem = number
            } else if bytes.holds("memory", key) {
                proto.memory = number
            }
        }
        if isSockets {
            stat.used = firstUsed
        } else {
            stat.protocols.append(proto)
        }
    }

    /// Whether the label ends in ":" as `Substring.hasSuffix` decides: by its last byte
    /// when it is ASCII; otherwise by characters (a prepended mark may take the colon into
    /// its own character).
    private static func endsWithColon(
        _ bytes: UnsafeBufferPointer<UInt8>, _ label: (start: Int, end: Int), _ slice: (Int, Int) -> Substring
    ) -> Bool {
        guard bytes[label.end - 1] == UInt8(ascii: ":") else { return false }
        for index in label.start..<label.end where bytes[index] >= 0x80 {
            return slice(label.start, label.end).hasSuffix(":")
        }
        return true
    }

    /// A count as `Int(String)` reads it: plain digits in place, anything else through it.
    private static func integer(
        _ bytes: UnsafeBufferPointer<UInt8>, _ field: (start: Int, end: Int), _ slice: (Int, Int) -> Substring
    ) -> Int? {
        if let value = bytes.plainDigits(field) { return Int(value) }
        return Int(slice(field.start, field.end))
    }
}
