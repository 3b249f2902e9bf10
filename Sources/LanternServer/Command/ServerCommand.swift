import Dispatch
import LanternFlags
import LanternLog
import LanternPromQL
import LanternRules
import LanternScrape
import LanternSupport
import LanternTSDB
import LanternWeb
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
        if arguments.first == "test" {
            guard arguments.dropFirst().first == "rules" else {
                print("usage: lantern-server test rules <test-rule-files>...")
                return 1
            }
            return TestRules.run(Array(arguments.dropFirst(2))) { line in writeToStandardError(Array((line + "\n").utf8)) }
        }
        if arguments.first == "promql-test" { return PromQLTest.run(Array(arguments.dropFirst())) }
        #if canImport(Glibc)
        // Scrape loops, event loops and the query and maintenance tasks allocate on many
        // threads; with glibc's default of up to 16 arenas on two cores, one A/B pair of
        // bench runs read steady and peak resident size 11-15 MB higher than with two
        // shared arenas (docs/performance.md, "Session 6: server arenas").
        GlibcMalloc.limitArenas(to: 2)
        #endif
        let flagSet = ServerFlags.flagSet()
        let flags: ParsedFlags
        switch flagSet.parseCommandLine(arguments, version: { ServerVersion.printable }) {
        case .run(let parsed): flags = parsed
        case .exit(let status): return status
        }
        bootstrapPromLogging(format: flags.string(LogFlags.formatFlagName), level: flags.string(LogFlags.levelFlagName))
        let logger = Logger(label: program)
        // Watched from here on, not from after the start: a signal sent while the server
        // starts (it says it is ready before it returns) is queued, not fatal or lost.
        let signals = ProcessSignals.stream()
        logger.info("Starting lantern-server", metadata: ["version": "\(ServerVersion.version)"])

        // Read before anything is opened, so a bad file refuses the start with one line.
        let security: WebServerSecurity
        let webConfigFile = flags.string(WebFlags.configFile.name)
        do {
            security = try WebServerSecurity(webConfigFile: webConfigFile, limits: WebFlags.connectionLimits(flags), logger: logger)
        } catch {
            logger.error("\(error)", metadata: ["file": "\(webConfigFile)"])
            return 1
        }

        do {
            let server = try await RunningServer.start(flags: flags, flagSet: flagSet, security: security, logger: logger)
            for await number in signals {
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
            security.shutdown()
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
