/// The 1, 5 and 15 minute load averages of /proc/loadavg.
public struct LoadAverage: Sendable, Hashable {
    public var load1: Double
    public var load5: Double
    public var load15: Double

    public init(load1: Double, load5: Double, load15: Double) {
        self.load1 = load1
        self.load5 = load5
        self.load15 = load15
    }

    public static func parse(_ text: String) throws(KernelParseError) -> LoadAverage {
        let parts = fields(text[...])
        guard parts.count >= 3 else { throw KernelParseError("unexpected content \"\(trimmed(text[...]))\"") }
        return LoadAverage(
            load1: try parseDouble(parts[0], field: "load"),
            load5: try parseDouble(parts[1], field: "load"),
            load15: try parseDouble(parts[2], field: "load"))
    }
}
