/// A promqltest script (`load`, `clear`, `eval ...` with `expect` lines), parsed.
struct TestScript {
    struct Load {
        let interval: Int64
        let series: [SeriesNotation]
        /// `load_with_nhcb`: classic histograms also become native ones.
        let withNativeHistograms: Bool
    }

    struct Expectation {
        enum Kind: String { case fail, ordered, warn, info, noWarn = "no_warn", noInfo = "no_info" }
        let kind: Kind
        /// Nil matches any message.
        let message: MessagePattern?
    }

    enum MessagePattern {
        case exact(String)
        case regex(String)
    }

    struct Eval {
        let line: Int
        let query: String
        /// Instant queries: start == end and step == 0.
        let start: Int64
        let end: Int64
        let step: Int64
        var isRange: Bool { step > 0 }
        var expectations: [Expectation] = []
        var expectedSeries: [SeriesNotation] = []
        var expectedScalar: Double?
        var expectedString: String?
        /// `expect range vector from .. to .. step ..` for an instant query returning a matrix.
        var expectedRangeVector: (start: Int64, step: Int64)?
        var expectsHistograms = false

        func expects(_ kind: Expectation.Kind) -> [Expectation] { expectations.filter { $0.kind == kind } }
    }

    enum Command {
        case load(Load)
        case clear
        case eval(Eval)
    }

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    private(set) var commands: [Command] = []

    init(_ text: String) throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = String(String(line).trimmingBlanks)
            return trimmed.hasPrefix("#") ? "" : trimmed
        }
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            if line.isEmpty { continue }
            var block: [String] = []
            // `clear` takes no block: a command may follow it on the next line.
            while index < lines.count, !lines[index].isEmpty, line != "clear" {
                block.append(lines[index])
                index += 1
            }
            let words = line.split(whereSeparator: \.isWhitespace)
            switch words[0] {
            case "clear": commands.append(.clear)
            case "load", "load_with_nhcb":
                guard words.count == 2, let interval = TestScript.duration(String(words[1])) else {
                    throw Invalid(description: "line \(index): invalid load command")
                }
                commands.append(.load(Load(interval: interval, series: try block.map(SeriesNotation.init(line:)), withNativeHistograms: words[0] == "load_with_nhcb")))
            default:
                guard words[0].hasPrefix("eval") else { throw Invalid(description: "line \(index): unknown command \(words[0])") }
                commands.append(.eval(try TestScript.parseEval(line, lineNumber: index, block: block)))
            }
        }
    }

    static func duration(_ text: String) -> Int64? {
        if let milliseconds = Duration.milliseconds(text) { return milliseconds }
        return Int64(text).map { $0 * 1000 }
    }

    private static func parseEval(_ line: String, lineNumber: Int, block: [String]) throws -> Eval {
        var words = line.split(whereSeparator: \.isWhitespace).map(String.init)[...]
        let command = words.removeFirst()
        var eval: Eval
        func take(_ keyword: String) throws {
            guard words.first == keyword else { throw Invalid(description: "line \(lineNumber): expected \(keyword)") }
            words.removeFirst()
        }
        func time() throws -> Int64 {
            guard let word = words.popFirst(), let value = duration(word) else { throw Invalid(description: "line \(lineNumber): bad time") }
            return value
        }
        switch words.popFirst() {
        case "instant":
            try take("at")
            let at = try time()
            eval = Eval(line: lineNumber, query: words.joined(separator: " "), start: at, end: at, step: 0)
        case "range":
            try take("from")
            let start = try time()
            try take("to")
            let end = try time()
            try take("step")
            let step = try time()
            eval = Eval(line: lineNumber, query: words.joined(separator: " "), start: start, end: end, step: step)
        default:
            throw Invalid(description: "line \(lineNumber): bad eval command")
        }
        switch command {
        case "eval_fail": eval.expectations.append(Expectation(kind: .fail, message: nil))
        case "eval_ordered": eval.expectations.append(Expectation(kind: .ordered, message: nil))
        case "eval_warn": eval.expectations.append(Expectation(kind: .warn, message: nil))
        case "eval_info": eval.expectations.append(Expectation(kind: .info, message: nil))
        default: break
        }
        for entry in block {
            if entry.hasPrefix("expect range vector") {
                let parts = entry.split(whereSeparator: \.isWhitespace).map(String.init)
                guard parts.count == 9, let start = duration(parts[4]), let step = duration(parts[8]) else {
                    throw Invalid(description: "line \(lineNumber): bad expect range vector")
                }
                eval.expectedRangeVector = (start, step)
            } else if entry.hasPrefix("expect string") {
                var quoted = entry.dropFirst("expect string".count).trimmingPrefixBlanks
                guard quoted.count >= 2 else { throw Invalid(description: "line \(lineNumber): bad expect string") }
                quoted = quoted.dropFirst().dropLast()
                eval.expectedString = String(quoted)
            } else if entry.hasPrefix("expect ") {
                eval.expectations.append(try parseExpectation(entry, lineNumber))
            } else if entry.hasPrefix("expected_fail_message") {
                eval.expectations.append(Expectation(kind: .fail, message: .exact(String(entry.dropFirst("expected_fail_message".count).trimmingPrefixBlanks))))
            } else if entry.hasPrefix("expected_fail_regexp") {
                eval.expectations.append(Expectation(kind: .fail, message: .regex(String(entry.dropFirst("expected_fail_regexp".count).trimmingPrefixBlanks))))
            } else if let scalar = SeriesNotation.parseNumber(entry) {
                eval.expectedScalar = scalar
            } else {
                let series = try SeriesNotation(line: entry)
                if series.hasHistograms { eval.expectsHistograms = true }
                eval.expectedSeries.append(series)
            }
        }
        return eval
    }

    private static func parseExpectation(_ entry: String, _ lineNumber: Int) throws -> Expectation {
        var rest = entry.dropFirst("expect ".count).trimmingPrefixBlanks
        let kindWord = rest.prefix(while: { !$0.isWhitespace })
        guard let kind = Expectation.Kind(rawValue: String(kindWord)) else {
            throw Invalid(description: "line \(lineNumber): unknown expectation \(kindWord)")
        }
        rest = rest.dropFirst(kindWord.count).trimmingPrefixBlanks
        if rest.isEmpty { return Expectation(kind: kind, message: nil) }
        guard let colon = rest.firstIndex(of: ":") else { throw Invalid(description: "line \(lineNumber): bad expectation") }
        let matchType = rest[..<colon]
        let message = String(rest[rest.index(after: colon)...].trimmingPrefixBlanks)
        switch matchType {
        case "msg": return Expectation(kind: kind, message: .exact(message))
        case "regex": return Expectation(kind: kind, message: .regex(message))
        default: throw Invalid(description: "line \(lineNumber): bad expectation match type \(matchType)")
        }
    }
}

extension Substring {
    var trimmingPrefixBlanks: Substring { drop(while: \.isWhitespace) }
}
