import Testing
@testable import LanternFlags

/// A small flag set shaped like node_exporter's.
func exporterFlags() -> FlagSet {
    var flags = FlagSet(programName: "node_exporter")
    flags.add(Flag(
        "web.listen-address", help: "Addresses on which to expose metrics and web interface. Repeatable for multiple addresses.",
        default: ":9100", repeatable: true))
    flags.add(Flag("path.procfs", help: "procfs mountpoint.", default: "/proc"))
    flags.add(Flag("web.max-requests", help: "Maximum number of parallel scrape requests. Use 0 to disable.",
                   kind: .int, default: "40"))
    flags.add(Flag("scrape.timeout", help: "Scrape timeout.", kind: .duration, default: "10s"))
    flags.add(Flag("storage.tsdb.retention.time", help: "How long to retain samples in storage.",
                   kind: .modelDuration, default: "15d"))
    flags.add(Flag("collector.textfile.directory", help: "Directory to read text files with metrics from.", default: ""))
    flags.add(Flag("web.config.file", help: "Path to configuration file that can enable TLS or authentication."))
    flags.add(Flag("web.enable-lifecycle", help: "Enable shutdown and reload via HTTP request.", kind: .bool))
    flags.add(Flag("internal.secret", help: "Not shown.", hidden: true))
    flags.add(Flag("output", help: "Output file.", short: "o"))
    flags.add(contentsOf: LogFlags.flags)
    flags.addVersionFlag()
    return flags
}

func run(_ arguments: [String], _ flags: FlagSet = exporterFlags()) throws -> ParsedFlags {
    guard case .run(let parsed) = try flags.parse(arguments) else {
        Issue.record("expected a run outcome for \(arguments)")
        return ParsedFlags(values: [:], explicitlySet: [])
    }
    return parsed
}

func errorMessage(_ arguments: [String], _ flags: FlagSet = exporterFlags()) -> String? {
    do {
        _ = try flags.parse(arguments)
        return nil
    } catch {
        return error.message
    }
}

@Suite struct ParsePaths {
    @Test func defaultsFilledIn() throws {
        let parsed = try run([])
        #expect(parsed.strings("web.listen-address") == [":9100"])
        #expect(parsed.string("path.procfs") == "/proc")
        #expect(parsed.int("web.max-requests") == 40)
        #expect(parsed.duration("scrape.timeout") == 10)
        #expect(parsed.duration("storage.tsdb.retention.time") == 15 * 86400)
        #expect(parsed.string("log.level") == "info")
        #expect(parsed.bool("web.enable-lifecycle") == false)
        #expect(parsed.values["web.config.file"] == nil)
        #expect(parsed.values["collector.textfile.directory"] == [""])
        #expect(parsed.explicitlySet.isEmpty)
    }

    @Test func equalsAndSeparateValue() throws {
        let parsed = try run(["--path.procfs=/host/proc", "--log.level", "debug"])
        #expect(parsed.string("path.procfs") == "/host/proc")
        #expect(parsed.string("log.level") == "debug")
        #expect(parsed.explicitlySet == ["path.procfs", "log.level"])
    }

    @Test func valueMayContainEqualsOrBeEmpty() throws {
        #expect(try run(["--path.procfs=a=b"]).string("path.procfs") == "a=b")
        #expect(try run(["--path.procfs="]).string("path.procfs") == "")
        #expect(try run(["--path.procfs", "-"]).string("path.procfs") == "")
    }

    @Test func boolForms() throws {
        #expect(try run(["--web.enable-lifecycle"]).bool("web.enable-lifecycle"))
        #expect(try !run(["--no-web.enable-lifecycle"]).bool("web.enable-lifecycle"))
        #expect(try run(["--web.enable-lifecycle=true"]).bool("web.enable-lifecycle"))
        #expect(try !run(["--web.enable-lifecycle=false"]).bool("web.enable-lifecycle"))
        #expect(try run(["--web.enable-lifecycle=1"]).values["web.enable-lifecycle"] == ["true"])
        #expect(try run(["--no-web.enable-lifecycle"]).isSet("web.enable-lifecycle"))
    }

    @Test func shortFlags() throws {
        #expect(try run(["-o", "out.txt"]).string("output") == "out.txt")
        #expect(try run(["-oout.txt"]).string("output") == "out.txt")
        #expect(try exporterFlags().parse(["-h"]) == .showHelp)
        // Combined bool short flags: -h then -o with its value.
        #expect(try exporterFlags().parse(["-hofile"]) == .showHelp)
    }

    @Test func doubleDashEndsFlags() throws {
        #expect(errorMessage(["--", "--path.procfs=/x"]) == "unexpected --path.procfs=/x")
        #expect(try run(["--path.procfs", "--", "--weird"]).string("path.procfs") == "--weird")
        #expect(try run(["--"]).explicitlySet.isEmpty)
    }

    @Test func repeatableKeepsOrderAndReplacesDefault() throws {
        let parsed = try run(["--web.listen-address=:9100", "--web.listen-address", "[::1]:9101", "--web.listen-address=vsock://:9100"])
        #expect(parsed.strings("web.listen-address") == [":9100", "[::1]:9101", "vsock://:9100"])
    }

    @Test func intsInGoSyntaxAreStoredInDecimal() throws {
        #expect(try run(["--web.max-requests=0x10"]).int("web.max-requests") == 16)
        #expect(try run(["--web.max-requests=010"]).int("web.max-requests") == 8)
        #expect(try run(["--web.max-requests=-0b11"]).int("web.max-requests") == -3)
        #expect(try run(["--web.max-requests=1_000"]).int("web.max-requests") == 1000)
    }

    @Test func helpAndVersionOutcomes() throws {
        let flags = exporterFlags()
        #expect(try flags.parse(["--help"]) == .showHelp)
        #expect(try flags.parse(["--version"]) == .showVersion)
        // kingpin runs --version's pre-action before it reports errors met later or in values.
        #expect(try flags.parse(["--version", "--bogus"]) == .showVersion)
        #expect(try flags.parse(["--log.format=xml", "--version"]) == .showVersion)
        // --help is looked at after syntax errors but before value errors.
        #expect(try flags.parse(["--log.format=xml", "--help"]) == .showHelp)
        #expect(errorMessage(["--bogus", "--help"]) == "unknown long flag '--bogus'")
        #expect(errorMessage(["--bogus", "--version"]) == "unknown long flag '--bogus'")
    }
}

@Suite struct ErrorMessages {
    @Test(arguments: [
        (["--foo"], "unknown long flag '--foo'"),
        (["--no-foo"], "unknown long flag '--no-foo'"),
        (["--no-path.procfs"], "unknown long flag '--no-path.procfs'"),
        (["-x"], "unknown short flag '-x'"),
        (["--web.listen-address"], "expected argument for flag '--web.listen-address'"),
        (["--path.procfs", "--log.level=info"], "expected argument for flag '--path.procfs'"),
        (["--path.procfs", "-o"], "expected argument for flag '--path.procfs'"),
        (["--path.procfs", "--"], "expected argument for flag '--path.procfs'"),
        (["-o"], "expected argument for flag '-o'"),
        (["stray"], "unexpected stray"),
        (["-"], "unexpected "),
        (["--web.enable-lifecycle=maybe"], "unexpected maybe"),
        (["--no-web.enable-lifecycle=true"], "unexpected true"),
        (["--log.format=xml"], "invalid value \"xml\" for flag '--log.format': enum value must be one of logfmt,json, got 'xml'"),
        (["--log.level", "verbose"], "invalid value \"verbose\" for flag '--log.level': enum value must be one of debug,info,warn,error, got 'verbose'"),
        (["--path.procfs=/a", "--path.procfs=/b"], "flag 'path.procfs' cannot be repeated"),
        (["--web.enable-lifecycle", "--no-web.enable-lifecycle"], "flag 'web.enable-lifecycle' cannot be repeated"),
        (["--web.max-requests=ten"], "invalid value \"ten\" for flag '--web.max-requests': strconv.ParseInt: parsing \"ten\": invalid syntax"),
        (["--web.max-requests=99999999999999999999"], "invalid value \"99999999999999999999\" for flag '--web.max-requests': strconv.ParseInt: parsing \"99999999999999999999\": value out of range"),
        (["--web.max-requests=09"], "invalid value \"09\" for flag '--web.max-requests': strconv.ParseInt: parsing \"09\": invalid syntax"),
        (["--scrape.timeout=10"], "invalid value \"10\" for flag '--scrape.timeout': time: missing unit in duration \"10\""),
        (["--scrape.timeout=10x"], "invalid value \"10x\" for flag '--scrape.timeout': time: unknown unit \"x\" in duration \"10x\""),
        (["--scrape.timeout=abc"], "invalid value \"abc\" for flag '--scrape.timeout': time: invalid duration \"abc\""),
        (["--storage.tsdb.retention.time=1d1y"], "invalid value \"1d1y\" for flag '--storage.tsdb.retention.time': not a valid duration string: \"1d1y\""),
        // Syntax errors come first even when an earlier value is invalid.
        (["--log.format=xml", "--foo"], "unknown long flag '--foo'"),
        // Value errors are reported in command-line order.
        (["--web.max-requests=x", "--log.format=xml"], "invalid value \"x\" for flag '--web.max-requests': strconv.ParseInt: parsing \"x\": invalid syntax"),
    ])
    func message(arguments: [String], expected: String) {
        #expect(errorMessage(arguments) == expected)
    }

    @Test func fatalLine() {
        #expect(commandLineErrorLine(program: "node_exporter", error: FlagError("unknown long flag '--foo'"))
            == "node_exporter: error: unknown long flag '--foo', try --help\n")
    }
}

@Suite struct Help {
    @Test func snapshot() {
        // Entries of 30+ characters keep kingpin's two trailing spaces and put their help below.
        let expected = [
            "usage: node_exporter [<flags>]",
            "",
            "",
            "Flags:",
            "  -h, --[no-]help            Show context-sensitive help (also try --help-long",
            "                             and --help-man).",
            "      --web.listen-address=:9100 ...  ",
            "                             Addresses on which to expose metrics and web",
            "                             interface. Repeatable for multiple addresses.",
            "      --path.procfs=\"/proc\"  procfs mountpoint.",
            "      --web.max-requests=40  Maximum number of parallel scrape requests. Use 0",
            "                             to disable.",
            "      --scrape.timeout=10s   Scrape timeout.",
            "      --storage.tsdb.retention.time=15d  ",
            "                             How long to retain samples in storage.",
            "      --collector.textfile.directory=\"\"  ",
            "                             Directory to read text files with metrics from.",
            "      --web.config.file=WEB.CONFIG.FILE  ",
            "                             Path to configuration file that can enable TLS or",
            "                             authentication.",
            "      --[no-]web.enable-lifecycle  ",
            "                             Enable shutdown and reload via HTTP request.",
            "  -o, --output=OUTPUT        Output file.",
            "      --log.level=info       Only log messages with the given severity or above.",
            "                             One of: [debug, info, warn, error]",
            "      --log.format=logfmt    Output format of log messages. One of: [logfmt,",
            "                             json]",
            "      --[no-]version         Show application version.",
            "",
        ].map { $0 + "\n" }.joined()
        #expect(exporterFlags().usage(width: 80) == expected)
    }

    @Test func programHelpAndNoShortFlags() {
        var flags = FlagSet(programName: "prometheus", programHelp: "The Prometheus monitoring server", helpShort: nil)
        flags.add(Flag("config.file", help: "Prometheus configuration file path.", default: "prometheus.yml"))
        let expected = [
            "usage: prometheus [<flags>]",
            "",
            "The Prometheus monitoring server",
            "",
            "",
            "Flags:",
            "  --[no-]help  Show context-sensitive help (also try --help-long and",
            "               --help-man).",
            "  --config.file=\"prometheus.yml\"  ",
            "               Prometheus configuration file path.",
            "",
        ].map { $0 + "\n" }.joined()
        #expect(flags.usage(width: 80) == expected)
    }

    @Test func wrapping() {
        #expect(wrapWords("", width: 10) == [""])
        #expect(wrapWords("averyveryverylongword short", width: 10) == ["averyveryverylongword", "short"])
        // Balanced rather than greedy: greedy gives "aaa bb" / "cc" / "ddddd".
        #expect(wrapWords("aaa bb cc ddddd", width: 6) == ["aaa", "bb cc", "ddddd"])
    }
}
