import LanternSupport
/// A block's `meta.json`: its ULID, time span `[minTime, maxTime)` in milliseconds,
/// statistics and compaction lineage, with the keys and layout Prometheus writes.
public struct BlockMeta: Sendable, Equatable {
    public struct Parent: Sendable, Equatable {
        public var ulid: String
        public var minTime: Int64
        public var maxTime: Int64
    }

    public var ulid: String
    public var minTime: Int64
    public var maxTime: Int64
    public var numSamples: Int64
    public var numSeries: Int64
    public var numChunks: Int64
    public var level: Int
    public var sources: [String]
    public var parents: [Parent] = []

    func json() -> String {
        var text = "{\n\t\"ulid\": \"\(ulid)\",\n\t\"minTime\": \(minTime),\n\t\"maxTime\": \(maxTime),\n"
        text += "\t\"stats\": {\n\t\t\"numSamples\": \(numSamples),\n\t\t\"numSeries\": \(numSeries),\n\t\t\"numChunks\": \(numChunks)\n\t},\n"
        text += "\t\"compaction\": {\n\t\t\"level\": \(level),\n\t\t\"sources\": [\n"
        text += sources.map { "\t\t\t\"\($0)\"" }.joined(separator: ",\n")
        text += "\n\t\t]"
        if !parents.isEmpty {
            text += ",\n\t\t\"parents\": [\n"
            text += parents.map {
                "\t\t\t{\n\t\t\t\t\"ulid\": \"\($0.ulid)\",\n\t\t\t\t\"minTime\": \($0.minTime),\n\t\t\t\t\"maxTime\": \($0.maxTime)\n\t\t\t}"
            }.joined(separator: ",\n")
            text += "\n\t\t]"
        }
        text += "\n\t},\n\t\"version\": 1\n}\n"
        return text
    }
}

extension BlockMeta {
    init(parsing bytes: [UInt8]) throws {
        let root = try JSONValue.parse(String(decoding: bytes, as: UTF8.self))
        guard let ulid = root["ulid"]?.string, let minTime = root["minTime"]?.int64, let maxTime = root["maxTime"]?.int64,
              root["version"]?.int64 == 1 else {
            throw FormatError("meta.json lacks ulid, minTime, maxTime or version 1")
        }
        self.ulid = ulid
        self.minTime = minTime
        self.maxTime = maxTime
        numSamples = root["stats"]?["numSamples"]?.int64 ?? 0
        numSeries = root["stats"]?["numSeries"]?.int64 ?? 0
        numChunks = root["stats"]?["numChunks"]?.int64 ?? 0
        level = Int(root["compaction"]?["level"]?.int64 ?? 1)
        sources = root["compaction"]?["sources"]?.array?.compactMap(\.string) ?? [ulid]
        parents = (root["compaction"]?["parents"]?.array ?? []).compactMap { parent in
            guard let ulid = parent["ulid"]?.string, let minTime = parent["minTime"]?.int64,
                  let maxTime = parent["maxTime"]?.int64 else { return nil }
            return Parent(ulid: ulid, minTime: minTime, maxTime: maxTime)
        }
    }
}
