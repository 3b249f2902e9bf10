import Glibc

extension Evaluator {
    func evaluateBinary(_ binary: BinaryExpr, at time: Int64) throws(QueryError) -> EvalValue {
        let lhs = try evaluate(binary.lhs, at: time)
        let rhs = try evaluate(binary.rhs, at: time)
        switch (lhs, rhs) {
        case (.scalar(let left), .scalar(let right)):
            let (value, keep) = Evaluator.apply(binary.op, left, right)
            return .scalar(binary.op.isComparison ? (keep ? 1 : 0) : value)
        case (.vector(let elements), .scalar(let number)):
            return .vector(Evaluator.vectorScalar(binary, elements, number, scalarOnLeft: false))
        case (.scalar(let number), .vector(let elements)):
            return .vector(Evaluator.vectorScalar(binary, elements, number, scalarOnLeft: true))
        case (.vector(let left), .vector(let right)):
            let matching = binary.matching ?? VectorMatching()
            switch binary.op {
            case .and: return .vector(Evaluator.and(left, right, matching))
            case .or: return .vector(Evaluator.or(left, right, matching))
            case .unless: return .vector(Evaluator.unless(left, right, matching))
            default: return .vector(try Evaluator.vectorVector(binary, left, right, matching))
            }
        default:
            return .vector([])
        }
    }

    /// The float result of `lhs op rhs`; for comparisons, `lhs` and whether it holds.
    static func apply(_ op: BinaryOperator, _ lhs: Double, _ rhs: Double) -> (Double, Bool) {
        switch op {
        case .add: return (lhs + rhs, true)
        case .subtract: return (lhs - rhs, true)
        case .multiply: return (lhs * rhs, true)
        case .divide: return (lhs / rhs, true)
        case .modulo: return (fmod(lhs, rhs), true)
        case .power: return (pow(lhs, rhs), true)
        case .atan2: return (Glibc.atan2(lhs, rhs), true)
        case .equal: return (lhs, lhs == rhs)
        case .notEqual: return (lhs, lhs != rhs)
        case .greater: return (lhs, lhs > rhs)
        case .less: return (lhs, lhs < rhs)
        case .greaterOrEqual: return (lhs, lhs >= rhs)
        case .lessOrEqual: return (lhs, lhs <= rhs)
        case .and, .or, .unless: return (lhs, true)
        }
    }

    /// Arithmetic, and comparisons with `bool`, produce a new quantity: the name goes.
    private static func dropsName(_ binary: BinaryExpr) -> Bool {
        !binary.op.isComparison || binary.returnBool
    }

    private static func vectorScalar(_ binary: BinaryExpr, _ elements: [VectorElement], _ number: Double, scalarOnLeft: Bool) -> [VectorElement] {
        var result: [VectorElement] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            let (left, right) = scalarOnLeft ? (number, element.value) : (element.value, number)
            var (value, keep) = apply(binary.op, left, right)
            // A comparison always yields the vector's value, whichever side it is on.
            if binary.op.isComparison && scalarOnLeft { value = element.value }
            if binary.returnBool {
                value = keep ? 1 : 0
                keep = true
            }
            guard keep else { continue }
            var output = element
            output.value = value
            if dropsName(binary) { output.dropsName = true }
            result.append(output)
        }
        return result
    }

    /// The labels two elements are matched on.
    static func signature(_ element: VectorElement, _ matching: VectorMatching) -> Labels {
        let labels = element.finalLabels
        if matching.on { return labels.keeping(Set(matching.labels)) }
        return labels.removing(Set(matching.labels + [Labels.metricName]))
    }

    private static func and(_ lhs: [VectorElement], _ rhs: [VectorElement], _ matching: VectorMatching) -> [VectorElement] {
        let right = Set(rhs.map { signature($0, matching) })
        return lhs.filter { right.contains(signature($0, matching)) }
    }

    private static func or(_ lhs: [VectorElement], _ rhs: [VectorElement], _ matching: VectorMatching) -> [VectorElement] {
        let left = Set(lhs.map { signature($0, matching) })
        return lhs + rhs.filter { !left.contains(signature($0, matching)) }
    }

    private static func unless(_ lhs: [VectorElement], _ rhs: [VectorElement], _ matching: VectorMatching) -> [VectorElement] {
        let right = Set(rhs.map { signature($0, matching) })
        return lhs.filter { !right.contains(signature($0, matching)) }
    }

    /// Arithmetic and comparison between two vectors, one-to-one or many-to-one.
    private static func vectorVector(_ binary: BinaryExpr, _ lhs: [VectorElement], _ rhs: [VectorElement], _ matching: VectorMatching) throws(QueryError) -> [VectorElement] {
        if lhs.isEmpty || rhs.isEmpty { return [] }
        // With group_right the right side is the "many" side: swap so "many" is always first.
        let swapped = matching.cardinality == .oneToMany
        let (many, one) = swapped ? (rhs, lhs) : (lhs, rhs)
        var oneBySignature: [Labels: VectorElement] = [:]
        for element in one {
            let key = signature(element, matching)
            if let duplicate = oneBySignature[key] {
                let side = swapped ? "left" : "right"
                throw QueryError.execution(
                    "found duplicate series for the match group \(key) on the \(side) hand-side of the operation: [\(element.finalLabels), \(duplicate.finalLabels)];many-to-many matching not allowed: matching labels must be unique on one side")
            }
            oneBySignature[key] = element
        }
        var matchedSignatures: [Labels: Set<Labels>] = [:]
        var result: [VectorElement] = []
        for element in many {
            let key = signature(element, matching)
            guard let partner = oneBySignature[key] else { continue }
            let labels = resultLabels(element, partner, matching)
            // Matches are checked before comparisons filter, so the error does not depend on values.
            if matching.cardinality == .oneToOne {
                if matchedSignatures[key] != nil {
                    throw QueryError.execution("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")
                }
                matchedSignatures[key] = []
            } else if !matchedSignatures[key, default: []].insert(labels).inserted {
                throw QueryError.execution("multiple matches for labels: grouping labels must ensure unique matches")
            }
            let (left, right) = swapped ? (partner.value, element.value) : (element.value, partner.value)
            var (value, keep) = apply(binary.op, left, right)
            if binary.returnBool {
                value = keep ? 1 : 0
                keep = true
            }
            guard keep else { continue }
            result.append(VectorElement(labels: labels, timestamp: element.timestamp, value: value, dropsName: dropsName(binary)))
        }
        return result
    }

    private static func resultLabels(_ many: VectorElement, _ one: VectorElement, _ matching: VectorMatching) -> Labels {
        var labels = many.dropsName ? many.labels.withoutMetricName : many.labels
        if matching.cardinality == .oneToOne {
            labels = matching.on ? labels.keeping(Set(matching.labels)) : labels.removing(Set(matching.labels))
        }
        let oneLabels = one.finalLabels
        for name in matching.include {
            labels.set(name, oneLabels.value(name))
        }
        return labels
    }
}
