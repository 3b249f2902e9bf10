/// Builds the node tree from tokens; functions must be known at parse time, as in Go,
/// so a typo or an unsupported function fails `check rules`.
struct TemplateParser {
    private var tokens: [TemplateLexer.Token]
    private var index = 0
    private var line = 1
    private let name: String
    private let functions: Set<String>

    init(tokens: [TemplateLexer.Token], name: String, functions: Set<String>) {
        self.tokens = tokens
        self.name = name
        self.functions = functions
    }

    private func error(_ message: String) -> TemplateError { TemplateError("template: \(name):\(line): \(message)") }

    /// The whole template; a stray `{{end}}` or `{{else}}` is an error.
    mutating func parseTemplate() throws(TemplateError) -> [TemplateNode] {
        let (nodes, terminator) = try parseList()
        if let terminator { throw error("unexpected {{\(terminator)}}") }
        return nodes
    }

    /// Nodes up to `{{end}}` / `{{else ...}}` (returned as the terminator keyword) or the end.
    private mutating func parseList() throws(TemplateError) -> ([TemplateNode], String?) {
        var nodes: [TemplateNode] = []
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            switch token {
            case .text(let text): nodes.append(.text(text))
            case .actionStart(let actionLine):
                line = actionLine
                if case .identifier(let keyword) = peek() {
                    switch keyword {
                    case "end":
                        index += 1
                        try expectEnd()
                        return (nodes, "end")
                    case "else":
                        index += 1
                        return (nodes, "else")
                    case "if", "range", "with":
                        index += 1
                        nodes.append(try parseControl(keyword))
                        continue
                    case "define", "template", "block", "break", "continue":
                        throw error("{{\(keyword)}} is not supported by Lantern's template subset")
                    default: break
                    }
                }
                nodes.append(.output(try parsePipeline(allowDeclaration: true)))
            default: throw error("unexpected token in template")
            }
        }
        return (nodes, nil)
    }

    private mutating func parseControl(_ keyword: String) throws(TemplateError) -> TemplateNode {
        let pipeline = try parsePipeline(allowDeclaration: true)
        let (body, terminator) = try parseList()
        var otherwise: [TemplateNode] = []
        switch terminator {
        case "end": break
        case "else":
            // `{{else if ...}}` nests an `if` that shares this `{{end}}`.
            if keyword == "if", case .identifier("if") = peek() {
                index += 1
                otherwise = [try parseControl("if")]
            } else {
                try expectEnd()
                let (elseBody, elseTerminator) = try parseList()
                guard elseTerminator == "end" else { throw error("unexpected EOF") }
                otherwise = elseBody
            }
        default: throw error("unexpected EOF")
        }
        switch keyword {
        case "if": return .conditional(pipeline, then: body, otherwise: otherwise)
        case "with": return .with(pipeline, then: body, otherwise: otherwise)
        default: return .range(pipeline, body: body, otherwise: otherwise)
        }
    }

    private func peek() -> TemplateLexer.Token? { index < tokens.count ? tokens[index] : nil }

    private mutating func expectEnd() throws(TemplateError) {
        guard case .actionEnd = peek() else { throw error("unexpected token before end of action") }
        index += 1
    }

    /// Commands up to `}}` (or `)` inside parentheses), with an optional leading declaration.
    private mutating func parsePipeline(allowDeclaration: Bool, closing: TemplateLexer.Token = .actionEnd) throws(TemplateError) -> Pipeline {
        var pipeline = Pipeline(line: line)
        if allowDeclaration { try parseDeclaration(into: &pipeline) }
        var command: [Operand] = []
        while true {
            guard let token = peek() else { throw error("unclosed action") }
            if token == closing {
                index += 1
                break
            }
            index += 1
            switch token {
            case .pipe:
                guard !command.isEmpty else { throw error("missing command") }
                pipeline.commands.append(command)
                command = []
            case .identifier(let word): command.append(try identifierOperand(word))
            case .dot: command.append(.dot(fields: []))
            case .field(let field): command.append(.dot(fields: [field] + fieldChain()))
            case .variable(let variable): command.append(.variable(variable, fields: fieldChain()))
            case .string(let text): command.append(.literal(.string(text)))
            case .number(let text): command.append(.literal(try number(text)))
            case .leftParen:
                let inner = try parsePipeline(allowDeclaration: false, closing: .rightParen)
                command.append(.parenthesized(inner, fields: fieldChain()))
            default: throw error("unexpected token in command")
            }
        }
        guard !command.isEmpty else { throw error("missing value for command") }
        pipeline.commands.append(command)
        return pipeline
    }

    private mutating func parseDeclaration(into pipeline: inout Pipeline) throws(TemplateError) {
        var lookahead = index
        var names: [String] = []
        while lookahead < tokens.count, case .variable(let variable) = tokens[lookahead] {
            names.append(variable)
            lookahead += 1
            if lookahead < tokens.count, tokens[lookahead] == .comma { lookahead += 1 } else { break }
        }
        guard !names.isEmpty, lookahead < tokens.count, tokens[lookahead] == .declare || tokens[lookahead] == .assign else { return }
        pipeline.variables = names
        pipeline.isDeclaration = tokens[lookahead] == .declare
        index = lookahead + 1
    }

    private mutating func fieldChain() -> [String] {
        var fields: [String] = []
        while case .field(let field) = peek() {
            fields.append(field)
            index += 1
        }
        return fields
    }

    private func identifierOperand(_ word: String) throws(TemplateError) -> Operand {
        switch word {
        case "true": return .literal(.bool(true))
        case "false": return .literal(.bool(false))
        case "nil": return .literal(.none)
        default:
            guard functions.contains(word) else { throw error("function \"\(word)\" not defined") }
            return .function(word)
        }
    }

    private func number(_ text: String) throws(TemplateError) -> TemplateValue {
        if let integer = Int(text) { return .int(integer) }
        if let float = Double(text) { return .float(float) }
        throw error("bad number syntax: \"\(text)\"")
    }
}
