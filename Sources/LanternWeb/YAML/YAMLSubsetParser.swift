/// A reader for the part of YAML that configuration files like exporter-toolkit's web
/// config use: block mappings and sequences by indentation, flow sequences and mappings
/// on one line, plain, single- and double-quoted scalars, comments.
///
/// Why not Yams: it links Foundation, which measured here adds 52 MB to the static
/// exporter binary and 9.5 MB of resident memory (docs/compatibility.md). Anything
/// outside the subset (anchors, aliases, tags, block scalars, multi-line flow
/// collections, several documents) is refused with its position, never misread.
public struct YAMLSubsetParser {
    private struct Line {
        let number: Int
        let indent: Int
        /// Without indentation and comment, trailing blanks removed.
        let content: Substring
    }

    private var lines: [Line] = []
    private var index = 0

    public static func parse(_ text: String) throws(YAMLError) -> YAMLNode {
        var parser = YAMLSubsetParser()
        try parser.split(text)
        guard let first = parser.lines.first else { return YAMLNode(.null, line: 1, column: 1) }
        let node = try parser.block(indent: first.indent, line: first.number)
        if parser.index < parser.lines.count {
            let line = parser.lines[parser.index]
            throw YAMLError(line: line.number, column: line.indent + 1, message: "did not find expected key (bad indentation)")
        }
        return node
    }

    // MARK: Lines

    private mutating func split(_ text: String) throws(YAMLError) {
        var number = 0
        var documentStarted = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var line = raw
            if line.last == "\r" { line = line.dropLast() }
            let indentation = line.prefix { $0 == " " || $0 == "\t" }
            if indentation.contains("\t") {
                throw YAMLError(line: number, column: indentation.count, message: "found a tab character where indentation is expected")
            }
            var content = try Self.removingComment(line.dropFirst(indentation.count), line: number, column: indentation.count + 1)
            while content.last == " " || content.last == "\t" { content = content.dropLast() }
            if content.isEmpty { continue }
            if indentation.isEmpty && (content == "---" || content.hasPrefix("--- ")) {
                if documentStarted || !lines.isEmpty {
                    throw YAMLError(line: number, column: 1, message: "several YAML documents in one file are not supported")
                }
                documentStarted = true
                continue
            }
            if indentation.isEmpty && content == "..." { break }
            lines.append(Line(number: number, indent: indentation.count, content: content))
        }
    }

    /// Cuts a `#` comment that starts the content or follows a blank, outside quotes.
    private static func removingComment(_ text: Substring, line: Int, column: Int) throws(YAMLError) -> Substring {
        var quote: Character? = nil
        var previous: Character = " "
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if character == "\\" && open == "\"" {
                    index = text.index(after: index)
                    if index < text.endIndex { index = text.index(after: index) }
                    previous = "x"
                    continue
                }
                if character == open { quote = nil }
            } else if character == "#" && (previous == " " || previous == "\t") {
                return text[..<index]
            } else if (character == "\"" || character == "'") && (previous == " " || previous == "\t" || previous == "[" || previous == "{" || previous == "," || previous == ":" || index == text.startIndex) {
                quote = character
            }
            previous = character
            index = text.index(after: index)
        }
        return text
    }

    // MARK: Blocks

    /// The block starting at the current line, all of whose lines are at `indent`.
    private mutating func block(indent: Int, line: Int) throws(YAMLError) -> YAMLNode {
        guard index < lines.count else { return YAMLNode(.null, line: line, column: indent + 1) }
        let first = lines[index]
        if Self.isSequenceItem(first.content) {
            return try sequence(indent: first.indent)
        }
        return try mapping(indent: first.indent, firstKeyColumn: first.indent, inlineFirst: nil)
    }

    private static func isSequenceItem(_ content: Substring) -> Bool {
        content == "-" || content.hasPrefix("- ")
    }

    private mutating func sequence(indent: Int) throws(YAMLError) -> YAMLNode {
        let start = lines[index]
        var items: [YAMLNode] = []
        while index < lines.count, lines[index].indent == indent, Self.isSequenceItem(lines[index].content) {
            let line = lines[index]
            var rest = line.content.dropFirst()
            let restIndent = indent + 1 + rest.prefix { $0 == " " }.count
            rest = rest.drop { $0 == " " }
            index += 1
            if rest.isEmpty {
                if index < lines.count, lines[index].indent > indent {
                    items.append(try block(indent: lines[index].indent, line: line.number))
                } else {
                    items.append(YAMLNode(.null, line: line.number, column: indent + 2))
                }
            } else if let (key, value) = try Self.keyValue(rest, line: line.number, column: restIndent + 1) {
                // `- key: value` opens a mapping whose keys sit at the column of `key`.
                items.append(try mapping(indent: restIndent, firstKeyColumn: restIndent, inlineFirst: (key, value, line)))
            } else {
                items.append(try Self.inlineValue(rest, line: line.number, column: restIndent + 1))
            }
        }
        return YAMLNode(.sequence(items), line: start.number, column: indent + 1)
    }

    private mutating func mapping(
        indent: Int, firstKeyColumn: Int, inlineFirst: (key: YAMLKey, value: Substring?, line: Line)?
    ) throws(YAMLError) -> YAMLNode {
        var entries: [YAMLNode.Entry] = []
        var seen: Set<String> = []
        var startLine = index < lines.count ? lines[index].number : 1

        func add(_ key: YAMLKey, _ value: YAMLNode) throws(YAMLError) {
            guard seen.insert(key.text).inserted else {
                throw YAMLError(line: key.line, column: key.column, message: "mapping key \"\(key.text)\" already defined")
            }
            entries.append(YAMLNode.Entry(key: key.text, keyLine: key.line, value: value))
        }

        if let first = inlineFirst {
            startLine = first.line.number
            let content = first.line.content
            let valueColumn = first.value.map { first.line.indent + 1 + content.distance(from: content.startIndex, to: $0.startIndex) } ?? first.key.column
            try add(first.key, try value(after: first.value, keyIndent: indent, line: first.line.number, column: valueColumn))
        }
        while index < lines.count, lines[index].indent == indent {
            let line = lines[index]
            if Self.isSequenceItem(line.content) { break }
            guard let (key, rest) = try Self.keyValue(line.content, line: line.number, column: indent + 1) else {
                throw YAMLError(line: line.number, column: indent + 1, message: "could not find expected ':'")
            }
            index += 1
            let valueColumn = indent + 1 + (rest.map { line.content.distance(from: line.content.startIndex, to: $0.startIndex) } ?? 0)
            try add(key, try value(after: rest, keyIndent: indent, line: line.number, column: valueColumn))
        }
        if index < lines.count, lines[index].indent > indent, entries.isEmpty == false {
            let line = lines[index]
            throw YAMLError(line: line.number, column: line.indent + 1, message: "mapping values are not allowed in this context (bad indentation)")
        }
        return YAMLNode(.mapping(entries), line: startLine, column: firstKeyColumn + 1)
    }

    /// The value of a `key:` whose rest of line is `rest`: inline, a nested block, or
    /// a sequence at the key's own indentation (YAML allows `key:\n- item`).
    private mutating func value(after rest: Substring?, keyIndent: Int, line: Int, column: Int) throws(YAMLError) -> YAMLNode {
        if let rest, !rest.isEmpty {
            return try Self.inlineValue(rest, line: line, column: column)
        }
        if index < lines.count {
            let next = lines[index]
            if next.indent > keyIndent { return try block(indent: next.indent, line: line) }
            if next.indent == keyIndent && Self.isSequenceItem(next.content) { return try sequence(indent: keyIndent) }
        }
        return YAMLNode(.null, line: line, column: column)
    }

    // MARK: Keys and inline values

    struct YAMLKey {
        let text: String
        let line: Int
        let column: Int
    }

    /// Splits `key: value` (or `key:`); nil when the line is not a mapping entry.
    private static func keyValue(_ content: Substring, line: Int, column: Int) throws(YAMLError) -> (key: YAMLKey, value: Substring?)? {
        if content.first == "\"" || content.first == "'" {
            var cursor = Cursor(content, line: line, column: column)
            let key = try cursor.quoted()
            cursor.skipBlanks()
            guard cursor.peek == ":" else { return nil }
            cursor.advance()
            guard cursor.atEnd || cursor.peek == " " else { return nil }
            cursor.skipBlanks()
            return (YAMLKey(text: key, line: line, column: column), cursor.atEnd ? nil : cursor.remaining)
        }
        if content.first == "[" || content.first == "{" { return nil }
        var index = content.startIndex
        while index < content.endIndex {
            if content[index] == ":" {
                let after = content.index(after: index)
                if after == content.endIndex || content[after] == " " {
                    let key = content[..<index]
                    var keyText = key
                    while keyText.last == " " { keyText = keyText.dropLast() }
                    try rejectUnsupported(keyText, line: line, column: column)
                    let value = content[after...].drop { $0 == " " }
                    return (YAMLKey(text: String(keyText), line: line, column: column), value.isEmpty ? nil : value)
                }
            }
            index = content.index(after: index)
        }
        return nil
    }

    private static func inlineValue(_ text: Substring, line: Int, column: Int) throws(YAMLError) -> YAMLNode {
        var cursor = Cursor(text, line: line, column: column)
        let node = try cursor.flowValue(inFlow: false)
        cursor.skipBlanks()
        guard cursor.atEnd else {
            throw YAMLError(line: line, column: cursor.column, message: "did not find expected end of value, found \"\(cursor.remaining)\"")
        }
        return node
    }

    fileprivate static func rejectUnsupported(_ text: Substring, line: Int, column: Int) throws(YAMLError) {
        guard let first = text.first else { return }
        let feature: String? = switch first {
        case "&": "anchors"
        case "*": "aliases"
        case "!": "tags"
        case "|", ">": "block scalars"
        case "%": "directives"
        case "?": "complex keys"
        case "@", "`": "reserved indicators"
        default: nil
        }
        if let feature {
            throw YAMLError(line: line, column: column, message: "YAML \(feature) are not supported in this file")
        }
    }
}

/// A cursor over one line's inline value: scalars and one-line flow collections.
private struct Cursor {
    private let text: Substring
    private var position: Substring.Index
    let line: Int
    private let startColumn: Int

    init(_ text: Substring, line: Int, column: Int) {
        self.text = text
        self.position = text.startIndex
        self.line = line
        self.startColumn = column
    }

    var atEnd: Bool { position == text.endIndex }
    var peek: Character? { atEnd ? nil : text[position] }
    var remaining: Substring { text[position...] }
    var column: Int { startColumn + text.distance(from: text.startIndex, to: position) }

    mutating func advance() { position = text.index(after: position) }
    mutating func skipBlanks() { while peek == " " || peek == "\t" { advance() } }

    private func error(_ message: String) -> YAMLError { YAMLError(line: line, column: column, message: message) }

    mutating func flowValue(inFlow: Bool) throws(YAMLError) -> YAMLNode {
        skipBlanks()
        let column = self.column
        switch peek {
        case "[": return try flowSequence()
        case "{": return try flowMapping()
        case "\"", "'": return YAMLNode(.scalar(try quoted(), quoted: true), line: line, column: column)
        default:
            let plain = plainScalar(inFlow: inFlow)
            try YAMLSubsetParser.rejectUnsupported(plain, line: line, column: column)
            if plain.isEmpty { return YAMLNode(.null, line: line, column: column) }
            if plain == "~" || plain == "null" || plain == "Null" || plain == "NULL" { return YAMLNode(.null, line: line, column: column) }
            return YAMLNode(.scalar(String(plain), quoted: false), line: line, column: column)
        }
    }

    private mutating func plainScalar(inFlow: Bool) -> Substring {
        let start = position
        while let character = peek {
            if inFlow && (character == "," || character == "]" || character == "}") { break }
            if character == ":" {
                let next = text.index(after: position)
                if next == text.endIndex || text[next] == " " || (inFlow && (text[next] == "," || text[next] == "}")) { break }
            }
            advance()
        }
        var value = text[start..<position]
        while value.last == " " { value = value.dropLast() }
        return value
    }

    private mutating func flowSequence() throws(YAMLError) -> YAMLNode {
        let column = self.column
        advance()
        var items: [YAMLNode] = []
        skipBlanks()
        if peek == "]" {
            advance()
            return YAMLNode(.sequence([]), line: line, column: column)
        }
        while true {
            items.append(try flowValue(inFlow: true))
            skipBlanks()
            switch peek {
            case ",": advance()
            case "]": advance(); return YAMLNode(.sequence(items), line: line, column: column)
            case nil: throw error("flow sequence not closed on this line (multi-line flow collections are not supported)")
            default: throw error("did not find expected ',' or ']'")
            }
            skipBlanks()
            if peek == "]" { advance(); return YAMLNode(.sequence(items), line: line, column: column) }
        }
    }

    private mutating func flowMapping() throws(YAMLError) -> YAMLNode {
        let column = self.column
        advance()
        var entries: [YAMLNode.Entry] = []
        var seen: Set<String> = []
        skipBlanks()
        if peek == "}" {
            advance()
            return YAMLNode(.mapping([]), line: line, column: column)
        }
        while true {
            skipBlanks()
            let keyColumn = self.column
            let key: String
            if peek == "\"" || peek == "'" {
                key = try quoted()
            } else {
                key = String(plainScalar(inFlow: true))
            }
            skipBlanks()
            guard peek == ":" else { throw error("did not find expected ':' in flow mapping") }
            advance()
            let value = try flowValue(inFlow: true)
            guard seen.insert(key).inserted else {
                throw YAMLError(line: line, column: keyColumn, message: "mapping key \"\(key)\" already defined")
            }
            entries.append(YAMLNode.Entry(key: key, keyLine: line, value: value))
            skipBlanks()
            switch peek {
            case ",": advance()
            case "}": advance(); return YAMLNode(.mapping(entries), line: line, column: column)
            case nil: throw error("flow mapping not closed on this line (multi-line flow collections are not supported)")
            default: throw error("did not find expected ',' or '}'")
            }
        }
    }

    /// A single- or double-quoted scalar starting at the cursor.
    mutating func quoted() throws(YAMLError) -> String {
        guard let open = peek else { throw error("expected a quoted scalar") }
        let startColumn = column
        advance()
        var result = ""
        while let character = peek {
            advance()
            if character == open {
                if open == "'" && peek == "'" {
                    advance()
                    result.append("'")
                    continue
                }
                return result
            }
            if open == "\"" && character == "\\" {
                let escapeColumn = column - 1
                guard let escaped = peek else { break }
                advance()
                switch escaped {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "r": result.append("\r")
                case "0": result.append("\0")
                case "\\": result.append("\\")
                case "\"": result.append("\"")
                case "/": result.append("/")
                case " ": result.append(" ")
                case "u", "x", "U":
                    let width = escaped == "x" ? 2 : escaped == "u" ? 4 : 8
                    var digits = ""
                    for _ in 0..<width {
                        guard let digit = peek, digit.isHexDigit else { throw error("invalid escape in double-quoted scalar") }
                        digits.append(digit)
                        advance()
                    }
                    guard let value = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(value) else {
                        throw error("invalid Unicode escape in double-quoted scalar")
                    }
                    result.unicodeScalars.append(scalar)
                default:
                    throw YAMLError(line: line, column: escapeColumn, message: "unknown escape character \"\(escaped)\" in double-quoted scalar")
                }
                continue
            }
            result.append(character)
        }
        throw YAMLError(line: line, column: startColumn, message: "found unexpected end of line while scanning a quoted scalar (multi-line scalars are not supported)")
    }
}
