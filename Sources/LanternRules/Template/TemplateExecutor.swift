/// Runs a node tree: text/template's evaluation with `missingkey=zero`, variables scoped
/// to the enclosing control structure.
struct TemplateExecutor {
    let name: String
    let root: TemplateValue
    private var scopes: [[String: TemplateValue]] = [[:]]

    init(name: String, root: TemplateValue) {
        self.name = name
        self.root = root
        scopes[0][""] = root
    }

    mutating func declare(_ variable: String, _ value: TemplateValue) { scopes[scopes.count - 1][variable] = value }

    mutating func run(_ nodes: [TemplateNode]) throws(TemplateError) -> String {
        var output = ""
        try run(nodes, dot: root, into: &output)
        return output
    }

    private mutating func run(_ nodes: [TemplateNode], dot: TemplateValue, into output: inout String) throws(TemplateError) {
        for node in nodes {
            switch node {
            case .text(let text): output += text
            case .output(let pipeline):
                let value = try evaluate(pipeline, dot: dot)
                if pipeline.variables.isEmpty { output += value.printed }
            case .conditional(let pipeline, let then, let otherwise):
                try scoped { (me: inout TemplateExecutor) throws(TemplateError) in
                    let condition = try me.evaluate(pipeline, dot: dot).isTrue
                    try me.run(condition ? then : otherwise, dot: dot, into: &output)
                }
            case .with(let pipeline, let then, let otherwise):
                try scoped { (me: inout TemplateExecutor) throws(TemplateError) in
                    let value = try me.evaluate(pipeline, dot: dot)
                    try me.run(value.isTrue ? then : otherwise, dot: value.isTrue ? value : dot, into: &output)
                }
            case .range(let pipeline, let body, let otherwise):
                try runRange(pipeline, body: body, otherwise: otherwise, dot: dot, into: &output)
            }
        }
    }

    private mutating func scoped(_ body: (inout TemplateExecutor) throws(TemplateError) -> Void) throws(TemplateError) {
        scopes.append([:])
        defer { scopes.removeLast() }
        try body(&self)
    }

    /// Over a label map in key order, as Go ranges over maps; `$k, $v :=` binds both.
    private mutating func runRange(_ pipeline: Pipeline, body: [TemplateNode], otherwise: [TemplateNode], dot: TemplateValue, into output: inout String) throws(TemplateError) {
        var bare = pipeline
        bare.variables = []
        let collection = try evaluate(bare, dot: dot)
        guard case .labels(let map) = collection else {
            if collection == .none { return try run(otherwise, dot: dot, into: &output) }
            throw failure(pipeline, "range can't iterate over \(collection.printed)")
        }
        if map.isEmpty { return try run(otherwise, dot: dot, into: &output) }
        for key in map.keys.sorted() {
            try scoped { (me: inout TemplateExecutor) throws(TemplateError) in
                switch pipeline.variables.count {
                case 0: break
                case 1: me.declare(pipeline.variables[0], .string(map[key]!))
                default:
                    me.declare(pipeline.variables[0], .string(key))
                    me.declare(pipeline.variables[1], .string(map[key]!))
                }
                try me.run(body, dot: .string(map[key]!), into: &output)
            }
        }
    }

    private func failure(_ pipeline: Pipeline, _ message: String) -> TemplateError {
        TemplateError("template: \(name):\(pipeline.line): executing \"\(name)\": \(message)")
    }

    private mutating func evaluate(_ pipeline: Pipeline, dot: TemplateValue) throws(TemplateError) -> TemplateValue {
        var value: TemplateValue?
        for command in pipeline.commands {
            value = try evaluate(command, dot: dot, piped: value, pipeline: pipeline)
        }
        let result = value ?? .none
        for variable in pipeline.variables {
            if pipeline.isDeclaration {
                declare(variable, result)
            } else {
                guard let scope = scopes.lastIndex(where: { $0[variable] != nil }) else { throw failure(pipeline, "undefined variable: $\(variable)") }
                scopes[scope][variable] = result
            }
        }
        return result
    }

    private mutating func evaluate(_ command: [Operand], dot: TemplateValue, piped: TemplateValue?, pipeline: Pipeline) throws(TemplateError) -> TemplateValue {
        if case .function(let function) = command[0] {
            var arguments: [TemplateValue] = []
            for operand in command.dropFirst() { arguments.append(try evaluate(operand, dot: dot, pipeline: pipeline)) }
            if let piped { arguments.append(piped) }
            do { return try TemplateFunctions.call(function, arguments) } catch {
                throw failure(pipeline, "error calling \(function): \(error.description)")
            }
        }
        guard command.count == 1, piped == nil else { throw failure(pipeline, "can't give argument to non-function") }
        return try evaluate(command[0], dot: dot, pipeline: pipeline)
    }

    private mutating func evaluate(_ operand: Operand, dot: TemplateValue, pipeline: Pipeline) throws(TemplateError) -> TemplateValue {
        let base: TemplateValue
        let fields: [String]
        switch operand {
        case .literal(let value): return value
        case .function: return try evaluate([operand], dot: dot, piped: nil, pipeline: pipeline)
        case .dot(let chain): (base, fields) = (dot, chain)
        case .variable(let variable, let chain):
            guard let value = scopes.last(where: { $0[variable] != nil })?[variable] else { throw failure(pipeline, "undefined variable: $\(variable)") }
            (base, fields) = (value, chain)
        case .parenthesized(let inner, let chain): (base, fields) = (try evaluate(inner, dot: dot), chain)
        }
        var value = base
        for field in fields {
            do { value = try value.field(field) } catch { throw failure(pipeline, error.description) }
        }
        return value
    }
}
