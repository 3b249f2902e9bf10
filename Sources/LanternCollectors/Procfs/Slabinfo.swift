/// One cache of /proc/slabinfo (format 2.1).
public struct Slab: Sendable, Hashable {
    public var name: String
    public var activeObjects: Int64
    public var objects: Int64
    public var objectSize: Int64
    public var objectsPerSlab: Int64
    public var pagesPerSlab: Int64
}

/// /proc/slabinfo, version 2.1: a version line, a comment naming the columns, then
/// `name active num size perslab pages : tunables l b s : slabdata a n s` per cache.
public enum Slabinfo {
    public static func parse(_ text: String) throws(KernelParseError) -> [Slab] {
        let allLines = lines(text)
        guard let version = allLines.first, version.hasPrefix("slabinfo - version: ") else {
            throw KernelParseError("missing \"slabinfo - version:\" line")
        }
        guard trimmed(version.dropFirst("slabinfo - version: ".count)) == "2.1" else {
            throw KernelParseError("unsupported slabinfo version \"\(trimmed(version.dropFirst("slabinfo - version: ".count)))\"")
        }
        var slabs: [Slab] = []
        for line in allLines.dropFirst() where !line.hasPrefix("#") {
            let parts = fields(line)
            if parts.isEmpty { continue }
            guard parts.count == 16 else { throw KernelParseError("invalid slabinfo line \"\(trimmed(line))\": \(parts.count) fields, expected 16") }
            func number(_ index: Int, _ field: String) throws(KernelParseError) -> Int64 {
                guard let value = Int64(parts[index]) else { throw KernelParseError("invalid \(field) \"\(parts[index])\" of slab \(parts[0])") }
                return value
            }
            slabs.append(Slab(
                name: String(parts[0]), activeObjects: try number(1, "active_objs"), objects: try number(2, "num_objs"),
                objectSize: try number(3, "objsize"), objectsPerSlab: try number(4, "objperslab"), pagesPerSlab: try number(5, "pagesperslab")))
        }
        return slabs
    }
}
