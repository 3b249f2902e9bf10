import LanternCollectors
import LanternFlags
import LanternLog
import LanternMetrics
import LanternSupport
import LanternWeb
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// `lantern-exporter`: parse flags, build the enabled collectors, serve until SIGTERM.
public enum ExporterCommand {
    static let program = "lantern-exporter"

    /// Runs the exporter; returns the process exit status.
    public static func run(arguments: [String]) -> Int32 {
        TerminationSignals.block()
        limitMallocArenas()
        #if canImport(Glibc)
        // What the dynamic linker read (symbol tables, relocations: ~2 MB) is done with;
        // dropping it here keeps it out of the start-up peak (VmHWM) too.
        StartupPages.release()
        #endif
        let flagSet = ExporterFlags.flagSet()
        let parsed: ParsedFlags
        switch flagSet.parseCommandLine(arguments, version: { LanternVersion.printable(program: program) }) {
        case .run(let flags): parsed = flags
        case .exit(let status): return status
        }

        bootstrapPromLogging(format: parsed.string(LogFlags.formatFlagName), level: parsed.string(LogFlags.levelFlagName))
        let logger = Logger(label: program)

        logger.info("Starting lantern-exporter", metadata: ["version": "\(LanternVersion.version)", "revision": "\(LanternVersion.revision)"])
        if getuid() == 0 {
            logger.warning("Lantern Exporter is running as root user. This exporter is designed to run as unprivileged user, root is not required.")
        }

        let addresses: [ListenAddress]
        do {
            addresses = try parsed.strings(ExporterFlags.listenAddress.name).map(ListenAddress.init(parsing:))
        } catch {
            logger.error("invalid --web.listen-address", metadata: ["err": "\(error)"])
            return 1
        }

        let paths = HostPaths(
            procfs: parsed.string(ExporterFlags.procfs.name), sysfs: parsed.string(ExporterFlags.sysfs.name),
            rootfs: parsed.string(ExporterFlags.rootfs.name), udevData: parsed.string(ExporterFlags.udevData.name))
        let context = CollectorContext(paths: paths, flags: parsed, logger: logger)
        let enabled = CollectorTable.switches.enabledCollectorNames(parsed)
        logger.info("Enabled collectors")
        var collectors: [NamedCollector] = []
        for name in enabled.sorted() {
            logger.info("", metadata: ["collector": "\(name)"])
            guard let definition = CollectorTable.definition(named: name) else { continue }
            do {
                collectors.append(NamedCollector(name: name, collector: try definition.make(context)))
            } catch {
                logger.error("Couldn't create metrics handler", metadata: ["collector": "\(name)", "err": "\(error)"])
                return 1
            }
        }

        let pool = WorkerPool()
        let registry = Registry(
            collectors: collectors, timeoutSeconds: parsed.duration(ExporterFlags.collectorTimeout.name), pool: pool)
        let includeExporterMetrics = !parsed.bool(ExporterFlags.disableExporterMetrics.name)
        let handlerMetrics = includeExporterMetrics ? HandlerMetrics() : nil
        var selfCollectors: [any Collector] = [BuildInfoCollector(
            name: "lantern_exporter_build_info",
            help: "A metric with a constant '1' value labeled by version, revision and swiftversion from which lantern_exporter was built, and the goos and goarch for the build.",
            labels: [
                Label("version", LanternVersion.version), Label("revision", LanternVersion.revision),
                Label("swiftversion", LanternVersion.swiftVersion), Label("goos", "linux"),
                Label("goarch", LanternVersion.architecture),
            ])]
        if let handlerMetrics {
            selfCollectors.append(ProcessCollector())
            selfCollectors.append(handlerMetrics)
        }
        let endpoint = MetricsEndpoint(
            registry: registry, knownCollectors: Set(CollectorTable.definitions.map(\.name)),
            selfCollectors: selfCollectors, handlerMetrics: handlerMetrics,
            maxRequests: parsed.int(ExporterFlags.maxRequests.name), logger: logger,
            afterScrape: { number in
                if PageReleaseSchedule.releases(afterScrape: number) {
                    releaseStartupPages(logger: logger, after: number == 1 ? "first scrape" : "scrape \(number)")
                }
            })
        let telemetryPath = parsed.string(ExporterFlags.telemetryPath.name)
        let router = Router(
            telemetryPath: telemetryPath,
            landingPage: telemetryPath == "/" ? nil : .html(LandingPage.html(telemetryPath: telemetryPath)),
            endpoint: endpoint, pool: pool)

        let security: WebServerSecurity
        let webConfigFile = parsed.string(WebFlags.configFile.name)
        do {
            security = try WebServerSecurity(webConfigFile: webConfigFile, limits: WebFlags.connectionLimits(parsed), logger: logger)
        } catch {
            logger.error("\(error)", metadata: ["file": "\(webConfigFile)"])
            return 1
        }

        let server: HTTPServer
        do {
            server = try HTTPServer(addresses: addresses, router: router, security: security, logger: logger)
        } catch {
            logger.error("\(error)", metadata: ["address": "\(parsed.strings(ExporterFlags.listenAddress.name).joined(separator: ","))"])
            return 1
        }
        releaseStartupPages(logger: logger, after: "start-up")

        let received = TerminationSignals.wait()
        logger.info("Received signal, shutting down", metadata: ["signal": "\(received)"])
        server.shutdown()
        return 0
    }

    /// glibc gives each thread that allocates concurrently its own malloc arena (up to 8
    /// per core), and memory freed in one arena is not reused by another: with the
    /// collector runners, the event loop and the worker pool that kept ~1.7 MB more
    /// resident after a few hundred scrapes than two shared arenas do. Must run before
    /// those threads start.
    private static func limitMallocArenas() {
        #if canImport(Glibc)
        GlibcMalloc.limitArenas(to: 2)
        #endif
    }

    /// The code and read-only data that only start-up used (collectors built, filters
    /// compiled, listening) need not stay resident, nor what only the first scrapes ran
    /// (the Swift runtime's one-time type and conformance lookups, ~3 MB): see StartupPages
    /// and PageReleaseSchedule.
    private static func releaseStartupPages(logger: Logger, after stage: String) {
        #if canImport(Glibc)
        let released = StartupPages.release()
        logger.debug("Released start-up pages", metadata: [
            "after": "\(stage)", "objects": "\(released.objects)", "bytes": "\(released.bytes)"])
        #endif
    }
}
