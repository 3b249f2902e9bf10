/// text/template's `eq`, `ne`, `lt`, `le`, `gt`, `ge`. Numbers compare by value whatever
/// their Go type (Go itself refuses int against float64; rule authors rarely mean that).
enum TemplateComparison {
    static func compare(_ name: String, _ arguments: [TemplateValue]) throws(TemplateError) -> Bool {
        guard arguments.count >= 2 else { throw TemplateError("missing argument for comparison") }
        if name == "eq" {
            // `eq a b c` is a == b || a == c.
            for other in arguments.dropFirst() where try order(arguments[0], other) == 0 { return true }
            return false
        }
        guard arguments.count == 2 else { throw TemplateError("wrong number of args for \(name): want 2 got \(arguments.count)") }
        let result = try order(arguments[0], arguments[1])
        switch name {
        case "ne": return result != 0
        case "lt": return result < 0
        case "le": return result <= 0
        case "gt": return result > 0
        default: return result >= 0
        }
    }

    private static func order(_ left: TemplateValue, _ right: TemplateValue) throws(TemplateError) -> Int {
        switch (left, right) {
        case (.string(let a), .string(let b)): return a == b ? 0 : (a < b ? -1 : 1)
        case (.bool(let a), .bool(let b)): return a == b ? 0 : (a ? 1 : -1)
        case (.int, _), (.float, _):
            let a = try TemplateFunctions.float(left)
            guard case .string = right else {
                let b = try TemplateFunctions.float(right)
                return a == b ? 0 : (a < b ? -1 : 1)
            }
            throw TemplateError("incompatible types for comparison")
        default: throw TemplateError("incompatible types for comparison")
        }
    }
}
