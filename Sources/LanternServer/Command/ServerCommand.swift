import Dispatch
import LanternFlags
import LanternLog
import LanternPromQL
import LanternRules
import LanternScrape
import LanternTSDB
import Logging
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// `lantern-server`: flags, configuration, the TSDB, scraping and the API, until SIGTERM.
public enum ServerCommand {
    static let program = "lantern-server"

    public static func run(arguments: [String]) async -> Int32 {
        if arguments.first == "check" {
            switch arguments.dropFirst().first {
            case "config": return CheckConfig.run(Array(arguments.dropFirst(2)))
            case "rules":
                return CheckRules.run(Array(arguments.dropFirst(2))) { line in writeToStandardError(Array((line + "\n").utf8)) }
            default:
                print("usage: lantern-server check config|rules <files>...")
                return 1
            }
        }
        let flagSet = ServerFlags.flagSet()
        let flags: ParsedFlags
        switch flagSet.parseCommandLine(arguments, version: { ServerVersion.printable }) {
        case .run(let parsed): flags = parsed
        case .exit(let status): return status
        }
        bootstrapPromLogging(format: flags.string(LogFlags.formatFlagName), level: flags.string(LogFlags.levelFlagName))
        let logger = Logger(label: program)
        logger.info("Starting lantern-server", metadata: ["version": "\(ServerVersion.version)"])

        do {
            let server = try await RunningServer.start(flags: flags, flagSet: flagSet, logger: logger)
            for await number in ProcessSignals.stream() {
                if number == SIGHUP {
                    try? await server.runtime.reloadConfig()
                    continue
                }
                logger.info("Received signal, exiting gracefully...", metadata: ["signal": "\(number == SIGINT ? "interrupt" : "terminated")"])
                break
            }
            await server.stop()
            return 0
        } catch {
            logger.error("\(error)")
            return 1
        }
    }
}

/// SIGTERM, SIGINT and SIGHUP as a stream, delivered by dispatch sources instead of handlers.
enum ProcessSignals {
    static func stream() -> AsyncStream<Int32> {
        AsyncStream { continuation in
            let sources = [SIGTERM, SIGINT, SIGHUP].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { continuation.yield(number) }
                source.resume()
                return source
            }
            // The sources live as long as the stream.
            let holder = SignalSources(sources)
            continuation.onTermination = { _ in holder.cancel() }
        }
    }
}

/// Owns the dispatch sources; cancelling them is thread-safe, which Dispatch does not declare.
private final class SignalSources: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    init(_ sources: [any DispatchSourceSignal]) { self.sources = sources }
    func cancel() { sources.forEach { $0.cancel() } }
}
