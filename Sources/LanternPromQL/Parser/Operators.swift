/// Binary operators with Prometheus's precedence (higher binds tighter).
public enum BinaryOperator: String, Sendable, Hashable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%", power = "^", atan2
    case equal = "==", notEqual = "!=", greater = ">", less = "<", greaterOrEqual = ">=", lessOrEqual = "<="
    case and, or, unless

    static let keywordOperators: [String: BinaryOperator] = ["and": .and, "or": .or, "unless": .unless, "atan2": .atan2]

    var precedence: Int {
        switch self {
        case .or: return 1
        case .and, .unless: return 2
        case .equal, .notEqual, .greater, .less, .greaterOrEqual, .lessOrEqual: return 3
        case .add, .subtract: return 4
        case .multiply, .divide, .modulo, .atan2: return 5
        case .power: return 6
        }
    }

    var isRightAssociative: Bool { self == .power }

    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .greater, .less, .greaterOrEqual, .lessOrEqual: return true
        default: return false
        }
    }

    public var isSetOperator: Bool { self == .and || self == .or || self == .unless }
}

public enum AggregationOperator: String, Sendable, Hashable {
    case sum, avg, count, min, max, group, stddev, stdvar, topk, bottomk, quantile
    case countValues = "count_values"
    case limitk
    case limitRatio = "limit_ratio"

    /// limitk and limit_ratio are experimental in Prometheus and not enabled in Lantern.
    var isExperimental: Bool { self == .limitk || self == .limitRatio }

    var takesParameter: Bool {
        switch self {
        case .topk, .bottomk, .quantile, .countValues, .limitk, .limitRatio: return true
        default: return false
        }
    }
}
