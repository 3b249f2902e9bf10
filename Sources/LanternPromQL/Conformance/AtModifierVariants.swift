/// Prometheus's runner re-evaluates every instant query with all selectors pinned by
/// `@ <eval time>` at other evaluation times: the result must not change.
enum AtModifierVariants {
    /// Functions whose result depends on the evaluation time even with pinned inputs.
    private static let unsafeFunctions: Set<String> = [
        "days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year",
        "predict_linear", "time", "timestamp",
    ]

    /// The pinned expression and the times to evaluate it at; nil when not applicable.
    static func variants(of expr: Expr, at time: Int64) -> (Expr, [Int64])? {
        guard !usesUnsafeFunction(expr) else { return nil }
        let times: [Int64] = time == 0 ? [-1000, 0, 1000] : [-10 * time, 0, time / 5, time, 10 * time]
        return (pin(expr, at: time), times)
    }

    private static func usesUnsafeFunction(_ expr: Expr) -> Bool {
        switch expr {
        case .number, .string, .vectorSelector, .matrixSelector: return false
        case .subquery(let subquery): return usesUnsafeFunction(subquery.expr)
        case .call(let call): return unsafeFunctions.contains(call.function.name) || call.args.contains(where: usesUnsafeFunction)
        case .aggregation(let aggregation):
            return usesUnsafeFunction(aggregation.expr) || (aggregation.parameter.map(usesUnsafeFunction) ?? false)
        case .binary(let binary): return usesUnsafeFunction(binary.lhs) || usesUnsafeFunction(binary.rhs)
        case .unary(let unary): return usesUnsafeFunction(unary.operand)
        case .parenthesized(let inner, _): return usesUnsafeFunction(inner)
        }
    }

    /// Sets `@ time` where no `@` is set; selectors inside subqueries keep following the
    /// subquery's own steps.
    private static func pin(_ expr: Expr, at time: Int64) -> Expr {
        switch expr {
        case .number, .string: return expr
        case .vectorSelector(var selector):
            selector.at = selector.at ?? .timestamp(time)
            return .vectorSelector(selector)
        case .matrixSelector(var matrix):
            matrix.selector.at = matrix.selector.at ?? .timestamp(time)
            return .matrixSelector(matrix)
        case .subquery(var subquery):
            subquery.at = subquery.at ?? .timestamp(time)
            return .subquery(subquery)
        case .call(var call):
            call.args = call.args.map { pin($0, at: time) }
            return .call(call)
        case .aggregation(var aggregation):
            aggregation.expr = pin(aggregation.expr, at: time)
            aggregation.parameter = aggregation.parameter.map { pin($0, at: time) }
            return .aggregation(aggregation)
        case .binary(var binary):
            binary.lhs = pin(binary.lhs, at: time)
            binary.rhs = pin(binary.rhs, at: time)
            return .binary(binary)
        case .unary(var unary):
            unary.operand = pin(unary.operand, at: time)
            return .unary(unary)
        case .parenthesized(let inner, let position):
            return .parenthesized(pin(inner, at: time), position)
        }
    }
}
