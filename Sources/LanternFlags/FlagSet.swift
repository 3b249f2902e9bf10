import LanternSupport

/// A command-line error, worded as kingpin v2 words it (`unknown long flag '--foo'`).
public struct FlagError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What the command line asked for.
public enum ParseOutcome: Sendable, Equatable {
    /// Run with these values.
    case run(ParsedFlags)
    /// `--help` / `-h`: print `usage()` to standard output and exit 0.
    case showHelp
    /// `--version`: print the version text to standard output and exit 0.
    case showVersion
}

extension ParsedFlags: Equatable {
    public static func == (lhs: ParsedFlags, rhs: ParsedFlags) -> Bool {
        lhs.values == rhs.values && lhs.explicitlySet == rhs.explicitlySet
    }
}

/// The line a binary prints to standard error before exiting 1 on a command-line error,
/// as kingpin's `MustParse` prints it.
public func commandLineErrorLine(program: String, error: FlagError) -> String {
    "\(program): error: \(error.message), try --help\n"
}

/// The flags of one program, parsed the way alecthomas/kingpin v2 parses them.
public struct FlagSet: Sendable {
    public static let helpFlagName = "help"
    public static let versionFlagName = "version"

    public let programName: String
    /// Shown under the usage line in `--help`; empty for none.
    public let programHelp: String
    /// In declaration order, which is the order of `--help`.
    public private(set) var flags: [Flag] = []
    private var indexByName: [String: Int] = [:]
    private var indexByShort: [Character: Int] = [:]

    /// Declares kingpin's built-in `--help` flag first, as kingpin does; node_exporter and
    /// Prometheus give it the short form `-h`.
    public init(programName: String, programHelp: String = "", helpShort: Character? = "h") {
        self.programName = programName
        self.programHelp = programHelp
        add(Flag(
            Self.helpFlagName, help: "Show context-sensitive help (also try --help-long and --help-man).",
            kind: .bool, short: helpShort))
    }

    /// Declares a flag. A duplicate name or short form, or a default its kind rejects, is a
    /// programming error, as it is in kingpin.
    public mutating func add(_ flag: Flag) {
        precondition(indexByName[flag.name] == nil, "duplicate long flag --\(flag.name)")
        if let short = flag.short {
            precondition(indexByShort[short] == nil, "duplicate short flag -\(short)")
            indexByShort[short] = flags.count
        }
        if let defaultValue = flag.defaultValue {
            do {
                _ = try Self.validated(defaultValue, for: flag.kind)
            } catch {
                preconditionFailure("default value for --\(flag.name) is invalid: \(error.message)")
            }
        }
        indexByName[flag.name] = flags.count
        flags.append(flag)
    }

    public mutating func add(contentsOf newFlags: [Flag]) {
        for flag in newFlags { add(flag) }
    }

    /// Declares `--version` (kingpin's `Version()`); declare it last to list it last in `--help`.
    public mutating func addVersionFlag() {
        add(Flag(Self.versionFlagName, help: "Show application version.", kind: .bool))
    }

    /// Parses `arguments` (without the program name).
    ///
    /// Precedence follows kingpin's `Application.Parse`: `--version` wins whenever it was reached;
    /// then a syntax error (unknown flag, missing argument, stray argument); then `--help`;
    /// then the first invalid or repeated value in command-line order.
    public func parse(_ arguments: [String]) throws(FlagError) -> ParseOutcome {
        var matches: [(flagIndex: Int, value: String)] = []
        var syntaxError: FlagError?
        do {
            try matchFlags(arguments) { matches.append(($0, $1)) }
        } catch {
            syntaxError = error
        }

        if let versionIndex = indexByName[Self.versionFlagName],
           matches.contains(where: { $0.flagIndex == versionIndex }) {
            return .showVersion
        }
        if let syntaxError { throw syntaxError }
        if let helpIndex = indexByName[Self.helpFlagName], matches.contains(where: { $0.flagIndex == helpIndex }) {
            return .showHelp
        }

        var values: [String: [String]] = [:]
        var explicitlySet: Set<String> = []
        for (flagIndex, rawValue) in matches {
            let flag = flags[flagIndex]
            if explicitlySet.contains(flag.name) && !flag.repeatable {
                throw FlagError("flag '\(flag.name)' cannot be repeated")
            }
            let value: String
            do {
                value = try Self.validated(rawValue, for: flag.kind)
            } catch {
                // kingpin reports only the value error; naming the flag is Lantern's addition.
                throw FlagError("invalid value \(goQuote(rawValue)) for flag '--\(flag.name)': \(error.message)")
            }
            values[flag.name, default: []].append(value)
            explicitlySet.insert(flag.name)
        }
        // Defaults only for flags not given: a repeatable flag's values replace its default.
        for flag in flags where !explicitlySet.contains(flag.name) {
            if let defaultValue = flag.defaultValue {
                values[flag.name] = [try Self.validated(defaultValue, for: flag.kind)]
            }
        }
        return .run(ParsedFlags(values: values, explicitlySet: explicitlySet))
    }

    /// kingpin's tokenizer and flag matcher: reports each flag occurrence with its raw value, in
    /// order, and stops at the first syntax error.
    private func matchFlags(_ arguments: [String], onMatch: (Int, String) -> Void) throws(FlagError) {
        var pending = arguments[...]
        var argumentsOnly = false

        // The value of a non-bool flag: the next argument, unless that is a flag.
        func takeValue(for flagToken: String) throws(FlagError) -> String {
            guard let next = pending.first else { throw FlagError("expected argument for flag '\(flagToken)'") }
            if argumentsOnly { pending.removeFirst(); return next }
            if next == "--" {
                pending.removeFirst()
                argumentsOnly = true
                guard let value = pending.popFirst() else {
                    throw FlagError("expected argument for flag '\(flagToken)'")
                }
                return value
            }
            if next.hasPrefix("-") && next.count > 1 {
                throw FlagError("expected argument for flag '\(flagToken)'")
            }
            pending.removeFirst()
            return next == "-" ? "" : next
        }

        while let argument = pending.popFirst() {
            if argumentsOnly { throw FlagError("unexpected \(argument)") }
            if argument == "--" {
                argumentsOnly = true
                continue
            }
            if argument.hasPrefix("--") {
                let body = argument.dropFirst(2)
                let name: String
                var attachedValue: String?
                if let equals = body.firstIndex(of: "=") {
                    name = String(body[..<equals])
                    attachedValue = String(body[body.index(after: equals)...])
                } else {
                    name = String(body)
                }
                let flagToken = "--" + name
                var inverted = false
                var index = indexByName[name]
                if index == nil, name.hasPrefix("no-") {
                    index = indexByName[String(name.dropFirst(3))]
                    inverted = true
                }
                guard let index else { throw FlagError("unknown long flag '\(flagToken)'") }
                let flag = flags[index]
                if flag.kind == .bool {
                    onMatch(index, try Self.boolValue(inverted: inverted, attached: attachedValue))
                } else {
                    if inverted { throw FlagError("unknown long flag '\(flagToken)'") }
                    if let attachedValue {
                        onMatch(index, attachedValue)
                    } else {
                        onMatch(index, try takeValue(for: flagToken))
                    }
                }
                continue
            }
            if argument.hasPrefix("-") && argument.count > 1 {
                let letters = argument.dropFirst()
                let short = letters.first!
                let remainder = letters.dropFirst()
                let flagToken = "-" + String(short)
                guard let index = indexByShort[short] else {
                    throw FlagError("unknown short flag '\(flagToken)'")
                }
                if flags[index].kind == .bool {
                    // Combined bool short flags: `-hv` is `-h -v`.
                    if !remainder.isEmpty { pending.insert("-" + remainder, at: pending.startIndex) }
                    onMatch(index, "true")
                } else {
                    // `-fVALUE` or `-f VALUE`.
                    onMatch(index, remainder.isEmpty ? try takeValue(for: flagToken) : String(remainder))
                }
                continue
            }
            // No positional arguments are declared, so any is unexpected ("-" reads as an empty one).
            throw FlagError("unexpected \(argument == "-" ? "" : argument)")
        }
    }

    /// `--name` is true and `--no-name` false. kingpin itself rejects `--name=false` ("unexpected
    /// false"); we accept Go `strconv.ParseBool` spellings there and keep kingpin's error otherwise.
    private static func boolValue(inverted: Bool, attached: String?) throws(FlagError) -> String {
        guard let attached else { return inverted ? "false" : "true" }
        if inverted { throw FlagError("unexpected \(attached)") }
        guard let value = parseGoBool(attached) else { throw FlagError("unexpected \(attached)") }
        return value ? "true" : "false"
    }

    /// `raw` checked against `kind`, in the spelling `ParsedFlags` reads (ints in decimal,
    /// bools as `true`/`false`); the error is the one kingpin's value type returns.
    static func validated(_ raw: String, for kind: Flag.Kind) throws(FlagError) -> String {
        switch kind {
        case .string:
            return raw
        case .bool:
            guard let value = parseGoBool(raw) else {
                throw FlagError("strconv.ParseBool: parsing \(goQuote(raw)): invalid syntax")
            }
            return value ? "true" : "false"
        case .int:
            return String(try parseGoInt(raw))
        case .duration:
            do { _ = try parseGoDuration(raw) } catch { throw FlagError(error.message) }
            return raw
        case .modelDuration:
            do { _ = try parseModelDuration(raw) } catch { throw FlagError(error.message) }
            return raw
        case .oneOf(let options):
            guard options.contains(raw) else {
                throw FlagError("enum value must be one of \(options.joined(separator: ",")), got '\(raw)'")
            }
            return raw
        }
    }
}

/// Go's `strconv.ParseBool`.
public func parseGoBool(_ text: String) -> Bool? {
    switch text {
    case "1", "t", "T", "true", "TRUE", "True": return true
    case "0", "f", "F", "false", "FALSE", "False": return false
    default: return nil
    }
}

/// Go's `strconv.ParseInt(text, 0, 64)`, which kingpin's int flags use, with its error texts.
func parseGoInt(_ text: String) throws(FlagError) -> Int64 {
    do {
        return try goParseInt64(Substring(text))
    } catch .syntax {
        throw FlagError("strconv.ParseInt: parsing \(goQuote(text)): invalid syntax")
    } catch {
        throw FlagError("strconv.ParseInt: parsing \(goQuote(text)): value out of range")
    }
}
