import Glibc

/// What a binary does after reading its command line.
public enum CommandLineOutcome: Sendable {
    case run(ParsedFlags)
    /// Help, version or an error has been printed; exit with this status.
    case exit(Int32)
}

extension FlagSet {
    /// kingpin's `Parse` as a binary uses it: `--help` prints the usage and `--version` the
    /// version text to standard output (status 0); an error prints one line to standard
    /// error (status 1).
    public func parseCommandLine(_ arguments: [String], version: () -> String) -> CommandLineOutcome {
        do {
            switch try parse(arguments) {
            case .showHelp:
                print(usage(width: helpWidth()), terminator: "")
                return .exit(0)
            case .showVersion:
                print(version())
                return .exit(0)
            case .run(let flags):
                return .run(flags)
            }
        } catch {
            let line = Array(commandLineErrorLine(program: programName, error: error).utf8)
            _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            return .exit(1)
        }
    }
}
