/// Splits a Go text/template into text and action tokens: `{{- ` and ` -}}` trim the
/// neighbouring whitespace, `{{/* */}}` is a comment, strings may contain `}}`.
struct TemplateLexer {
    enum Token: Equatable {
        case text(String)
        case actionStart(line: Int)
        case actionEnd
        case identifier(String)
        /// `.Name`: one step of a field chain; `.` alone is `dot`.
        case field(String)
        case dot
        /// `$name`, or `$` for the root data.
        case variable(String)
        case string(String)
        case number(String)
        case pipe, leftParen, rightParen, declare, assign, comma
    }

    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var line = 1
    private(set) var tokens: [Token] = []
    let name: String

    init(_ text: String, name: String) {
        scalars = Array(text.unicodeScalars)
        self.name = name
    }

    static func tokenize(_ text: String, name: String) throws(TemplateError) -> [Token] {
        var lexer = TemplateLexer(text, name: name)
        try lexer.run()
        return lexer.tokens
    }

    private func starts(with text: String, at index: Int) -> Bool {
        var index = index
        for scalar in text.unicodeScalars {
            guard index < scalars.count, scalars[index] == scalar else { return false }
            index += 1
        }
        return true
    }

    private func error(_ message: String) -> TemplateError { TemplateError("template: \(name):\(line): \(message)") }

    private mutating func run() throws(TemplateError) {
        var text = ""
        while position < scalars.count {
            guard starts(with: "{{", at: position) else {
                if scalars[position] == "\n" { line += 1 }
                text.unicodeScalars.append(scalars[position])
                position += 1
                continue
            }
            position += 2
            if starts(with: "- ", at: position) || starts(with: "-\t", at: position) || starts(with: "-\n", at: position) {
                while let last = text.unicodeScalars.last, last.properties.isWhitespace { text.unicodeScalars.removeLast() }
                position += 1
            }
            if !text.isEmpty { tokens.append(.text(text)) }
            text = ""
            if try skipComment() { continue }
            tokens.append(.actionStart(line: line))
            try lexAction()
        }
        if !text.isEmpty { tokens.append(.text(text)) }
    }

    /// `{{/* ... */}}`, with optional trim markers; returns whether one was consumed.
    private mutating func skipComment() throws(TemplateError) -> Bool {
        var index = position
        while index < scalars.count, scalars[index] == " " { index += 1 }
        guard starts(with: "/*", at: index) else { return false }
        while index < scalars.count, !starts(with: "*/", at: index) {
            if scalars[index] == "\n" { line += 1 }
            index += 1
        }
        guard index < scalars.count else { throw error("unclosed comment") }
        index += 2
        while index < scalars.count, scalars[index] == " " || scalars[index] == "-" { index += 1 }
        guard starts(with: "}}", at: index) else { throw error("comment ends before closing delimiter") }
        position = index + 2
        return true
    }

    private mutating func lexAction() throws(TemplateError) {
        while true {
            guard position < scalars.count else { throw error("unclosed action") }
            let scalar = scalars[position]
            if starts(with: " -}}", at: position) || starts(with: "\t-}}", at: position) || starts(with: "\n-}}", at: position) {
                position += 4
                tokens.append(.actionEnd)
                while position < scalars.count, scalars[position].properties.isWhitespace {
                    if scalars[position] == "\n" { line += 1 }
                    position += 1
                }
                return
            }
            if starts(with: "}}", at: position) {
                position += 2
                tokens.append(.actionEnd)
                return
            }
            switch scalar {
            case " ", "\t", "\r": position += 1
            case "\n": line += 1; position += 1
            case "|": tokens.append(.pipe); position += 1
            case "(": tokens.append(.leftParen); position += 1
            case ")": tokens.append(.rightParen); position += 1
            case ",": tokens.append(.comma); position += 1
            case "=": tokens.append(.assign); position += 1
            case ":" where starts(with: ":=", at: position): tokens.append(.declare); position += 2
            case "\"": tokens.append(.string(try quoted()))
            case "`": tokens.append(.string(try raw()))
            case "$":
                position += 1
                tokens.append(.variable(word()))
            case ".":
                position += 1
                let name = word()
                tokens.append(name.isEmpty ? .dot : .field(name))
            case "-", "+", "0"..."9":
                tokens.append(.number(number()))
            default:
                let name = word()
                guard !name.isEmpty else { throw error("unexpected \"\(scalar)\" in command") }
                tokens.append(.identifier(name))
            }
        }
    }

    private mutating func word() -> String {
        var result = ""
        while position < scalars.count, scalars[position] == "_" || scalars[position].properties.isAlphabetic || ("0"..."9").contains(scalars[position]) {
            result.unicodeScalars.append(scalars[position])
            position += 1
        }
        return result
    }

    private mutating func number() -> String {
        var result = ""
        while position < scalars.count, "0123456789.eE+-xXabcdefABCDEF_".unicodeScalars.contains(scalars[position]) {
            result.unicodeScalars.append(scalars[position])
            position += 1
        }
        return result
    }

    private mutating func raw() throws(TemplateError) -> String {
        position += 1
        var result = ""
        while position < scalars.count, scalars[position] != "`" {
            result.unicodeScalars.append(scalars[position])
            position += 1
        }
        guard position < scalars.count else { throw error("unterminated raw quoted string") }
        position += 1
        return result
    }

    /// A Go interpreted string: the common escapes.
    private mutating func quoted() throws(TemplateError) -> String {
        position += 1
        var result = ""
        while position < scalars.count, scalars[position] != "\"" {
            var scalar = scalars[position]
            if scalar == "\n" { throw error("unterminated quoted string") }
            if scalar == "\\", position + 1 < scalars.count {
                position += 1
                switch scalars[position] {
                case "n": scalar = "\n"
                case "t": scalar = "\t"
                case "r": scalar = "\r"
                case "\\": scalar = "\\"
                case "\"": scalar = "\""
                case let other: throw error("invalid syntax: unknown escape \\\(other)")
                }
            }
            result.unicodeScalars.append(scalar)
            position += 1
        }
        guard position < scalars.count else { throw error("unterminated quoted string") }
        position += 1
        return result
    }
}

public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
