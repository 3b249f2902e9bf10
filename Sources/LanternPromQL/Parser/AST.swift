/// The four PromQL value types, named as Prometheus names them in messages.
public enum ValueType: String, Sendable {
    case scalar, vector = "instant vector", matrix = "range vector", string
}

/// A parsed PromQL expression. Every node carries its byte range in the query.
public indirect enum Expr: Sendable {
    case number(NumberLiteral)
    case string(StringLiteral)
    case vectorSelector(VectorSelector)
    case matrixSelector(MatrixSelector)
    case subquery(Subquery)
    case call(Call)
    case aggregation(Aggregation)
    case binary(BinaryExpr)
    case unary(UnaryExpr)
    case parenthesized(Expr, PositionRange)

    public var type: ValueType {
        switch self {
        case .number: return .scalar
        case .string: return .string
        case .vectorSelector, .aggregation: return .vector
        case .matrixSelector, .subquery: return .matrix
        case .call(let call): return call.function.returnType
        case .binary(let binary): return binary.lhs.type == .scalar && binary.rhs.type == .scalar ? .scalar : .vector
        case .unary(let unary): return unary.operand.type
        case .parenthesized(let inner, _): return inner.type
        }
    }

    public var position: PositionRange {
        switch self {
        case .number(let node): return node.position
        case .string(let node): return node.position
        case .vectorSelector(let node): return node.position
        case .matrixSelector(let node): return node.position
        case .subquery(let node): return node.position
        case .call(let node): return node.position
        case .aggregation(let node): return node.position
        case .binary(let node): return node.lhs.position.merged(with: node.rhs.position)
        case .unary(let node): return node.position
        case .parenthesized(_, let position): return position
        }
    }

    /// The expression without enclosing parentheses.
    var unwrapped: Expr {
        if case .parenthesized(let inner, _) = self { return inner.unwrapped }
        return self
    }
}

public struct NumberLiteral: Sendable {
    public var value: Double
    public var position: PositionRange
}

public struct StringLiteral: Sendable {
    public var value: String
    public var position: PositionRange
}

/// Where `@` pins an evaluation: a fixed time, or the query's start or end.
public enum AtModifier: Sendable, Hashable {
    case timestamp(Int64)
    case start
    case end
}

public struct VectorSelector: Sendable {
    public var name: String?
    public var matchers: [LabelMatcher]
    /// Milliseconds; negative offsets look into the future.
    public var offset: Int64 = 0
    public var at: AtModifier?
    public var position: PositionRange
}

public struct MatrixSelector: Sendable {
    public var selector: VectorSelector
    public var range: Int64
    public var position: PositionRange
}

public struct Subquery: Sendable {
    public var expr: Expr
    public var range: Int64
    /// Zero means the engine's default resolution.
    public var step: Int64
    public var offset: Int64 = 0
    public var at: AtModifier?
    public var position: PositionRange
}

public struct Call: Sendable {
    public var function: FunctionSignature
    public var args: [Expr]
    public var position: PositionRange
}

public struct Aggregation: Sendable {
    public var op: AggregationOperator
    public var expr: Expr
    public var parameter: Expr?
    public var grouping: [String]
    public var without: Bool
    public var position: PositionRange
}

/// `on`/`ignoring` and `group_left`/`group_right` of a binary operation between vectors.
public struct VectorMatching: Sendable {
    public enum Cardinality: Sendable { case oneToOne, manyToOne, oneToMany, manyToMany }
    public var cardinality: Cardinality = .oneToOne
    public var labels: [String] = []
    /// True for `on(...)`, false for `ignoring(...)` or no clause.
    public var on = false
    /// Labels named in `group_left(...)`/`group_right(...)` copied from the "one" side.
    public var include: [String] = []
}

public struct BinaryExpr: Sendable {
    public var op: BinaryOperator
    public var lhs: Expr
    public var rhs: Expr
    public var returnBool: Bool
    public var matching: VectorMatching?
}

public struct UnaryExpr: Sendable {
    public var negate: Bool
    public var operand: Expr
    public var position: PositionRange
}
