/// One point of a range-query or range-vector series, time in milliseconds.
public struct Point: Sendable, Equatable {
    public var timestamp: Int64
    public var value: Double

    public init(_ timestamp: Int64, _ value: Double) {
        self.timestamp = timestamp
        self.value = value
    }
}

/// One element of an instant vector.
public struct Sample: Sendable, Equatable {
    public var labels: Labels
    public var timestamp: Int64
    public var value: Double

    public init(labels: Labels, timestamp: Int64, value: Double) {
        self.labels = labels
        self.timestamp = timestamp
        self.value = value
    }
}

public struct Series: Sendable, Equatable {
    public var labels: Labels
    public var points: [Point]

    public init(labels: Labels, points: [Point]) {
        self.labels = labels
        self.points = points
    }
}

/// A query's result, in the four shapes of Prometheus's `resultType`.
public enum QueryValue: Sendable, Equatable {
    case scalar(timestamp: Int64, value: Double)
    case string(timestamp: Int64, value: String)
    case vector([Sample])
    case matrix([Series])

    public var resultType: String {
        switch self {
        case .scalar: return "scalar"
        case .string: return "string"
        case .vector: return "vector"
        case .matrix: return "matrix"
        }
    }
}

/// Prometheus's staleness marker: a NaN with this exact bit pattern ends a series.
public enum StaleMarker {
    public static let bitPattern: UInt64 = 0x7ff0_0000_0000_0002
    public static let value = Double(bitPattern: bitPattern)

    public static func isStale(_ value: Double) -> Bool { value.bitPattern == bitPattern }
}
