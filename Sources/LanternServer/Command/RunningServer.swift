import LanternFlags
import LanternPromQL
import LanternRemote
import LanternScrape
import LanternSupport
import LanternTSDB
import LanternWeb
import Logging
import NIOPosix

/// The started server: database open, scrape loops running, API listening, maintenance
/// (head compaction, block compaction, retention, WAL fsync) on a timer.
struct RunningServer {
    let runtime: ServerRuntime
    let api: APIServer
    let group: MultiThreadedEventLoopGroup
    let maintenance: Task<Void, Never>

    /// How often the database compacts and fsyncs its WAL: every minute as Prometheus, more
    /// often with the short blocks tests use. Samples reach the kernel at every commit, so
    /// only a power loss can cost this interval.
    static func maintenanceSeconds(minBlockDuration: Int64) -> UInt64 {
        UInt64(max(1, min(60, minBlockDuration / 2000)))
    }

    static func start(flags: ParsedFlags, flagSet: FlagSet, security: WebServerSecurity, logger: Logger) async throws -> RunningServer {
        let configPath = flags.string(ServerFlags.configFile.name)
        let config = try ConfigLoader.load(path: configPath, explicitlySet: flags.isSet(ServerFlags.configFile.name))
        if !flags.isSet(ServerFlags.configFile.name) && config.sourceText == ServerConfig.defaultYAML {
            logger.info("No configuration file, scraping localhost:9100 every 15s", metadata: ["filename": "\(configPath)"])
        }

        var options = TSDBOptions()
        let retention = try parseModelDuration(flags.string(ServerFlags.retentionTime.name))
        options.retentionDuration = retention
        guard let retentionBytes = ServerFlags.parseBytes(flags.string(ServerFlags.retentionSize.name)) else {
            throw FlagError("invalid --storage.tsdb.retention.size \(flags.string(ServerFlags.retentionSize.name))")
        }
        options.retentionBytes = retentionBytes
        options.minBlockDuration = try parseModelDuration(flags.string(ServerFlags.minBlockDuration.name))
        if flags.isSet(ServerFlags.maxBlockDuration.name) {
            options.maxBlockDuration = try parseModelDuration(flags.string(ServerFlags.maxBlockDuration.name))
        } else {
            // Prometheus: 10% of the retention, at most 31 days, at least the head block span.
            options.maxBlockDuration = max(options.minBlockDuration, min(retention / 10, 31 * 86_400_000))
        }
        options.walCompression = flags.bool(ServerFlags.walCompression.name)
        let tsdbLogger = logger
        options.log = { line in tsdbLogger.info("\(line)", metadata: ["component": "tsdb"]) }
        // Maintenance runs at each tick and, as in Prometheus, as soon as a commit leaves
        // the head compactable: waiting for the tick let the head grow by up to a minute
        // of chunks, which set the server's peak memory.
        let (maintenanceWakeups, wakeMaintenance) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        options.headCompactable = { wakeMaintenance.yield() }
        let path = flags.string(ServerFlags.storagePath.name)
        let database = try TSDB(directory: path, options: options)
        logger.info("TSDB started", metadata: ["path": "\(path)"])

        var engineOptions = EngineOptions()
        engineOptions.lookbackDelta = try parseModelDuration(flags.string(ServerFlags.lookbackDelta.name))
        engineOptions.timeout = try parseModelDuration(flags.string(ServerFlags.queryTimeout.name))
        engineOptions.maxSamples = flags.int(ServerFlags.maxSamples.name)
        engineOptions.defaultSubqueryStep = config.global.evaluationInterval

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let manager = ScrapeManager(database: database, eventLoopGroup: group, logger: logger)
        var flagValues: [String: String] = [:]
        for flag in flagSet.flags where flag.name != FlagSet.helpFlagName && flag.name != FlagSet.versionFlagName {
            flagValues[flag.name] = flags.strings(flag.name).joined(separator: ",")
        }
        let remoteWrite = RemoteWriteManager(database: database, eventLoopGroup: group, logger: logger)
        let engine = Engine(options: engineOptions)
        let (host, port) = try ListenAddress.parse(flags.string(ServerFlags.listenAddress.name))
        let ruleServices = try RuleServices(database: database, engine: engine, eventLoopGroup: group, flags: flags, listenPort: port, logger: logger)
        let runtime = ServerRuntime(
            database: database, engine: engine, manager: manager, remoteWrite: remoteWrite, ruleServices: ruleServices,
            remoteWriteReceiverEnabled: flags.bool(ServerFlags.enableRemoteWriteReceiver.name), config: config,
            configPath: configPath, flagValues: flagValues, lifecycleEnabled: flags.bool(ServerFlags.enableLifecycle.name),
            retentionDescription: retentionBytes > 0 ? "\(ModelDuration.format(retention)) or \(flags.string(ServerFlags.retentionSize.name))" : ModelDuration.format(retention),
            logger: logger)

        // Before listening: rule files that do not load refuse the start, as in Prometheus.
        try await ruleServices.apply(config, configPath: configPath)
        let api = try await APIServer(host: host, port: port, group: group, router: APIRouter(runtime: runtime), security: security)
        logger.info("Listening on", metadata: ["address": "\(flags.string(ServerFlags.listenAddress.name))"])
        security.logTLSState(address: flags.string(ServerFlags.listenAddress.name), logger: logger)
        await manager.apply(config.scrapeConfigs)
        try await remoteWrite.apply(config.remoteWrite, externalLabels: config.global.externalLabels)
        logger.info("Server is ready to receive web requests.")
        releaseReadOnlyPages()

        let pause = maintenanceSeconds(minBlockDuration: options.minBlockDuration) * 1_000_000_000
        let maintenance = Task.detached {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(nanoseconds: pause)
                        wakeMaintenance.yield()
                    }
                }
                for await _ in maintenanceWakeups {
                    do {
                        try database.compact()
                        try database.sync()
                    } catch {
                        logger.error("Database maintenance failed", metadata: ["err": "\(error)"])
                        // Retried at the next tick, not at every commit meanwhile.
                        try? await Task.sleep(nanoseconds: pause)
                    }
                    releaseReadOnlyPages()
                }
                group.cancelAll()
            }
        }
        return RunningServer(runtime: runtime, api: api, group: group, maintenance: maintenance)
    }

    /// Unmaps the code pages start-up touched (WAL replay, configuration, listeners: ~12 MB
    /// of the binary's text at 100 k series) and those a maintenance pass touched (block
    /// writing, compaction), which stay resident otherwise; scraping faults its few MB back
    /// in from the page cache. See StartupPages.
    private static func releaseReadOnlyPages() {
        #if canImport(Glibc)
        StartupPages.release()
        #endif
    }

    /// Stops scraping (writing stale markers), the API and maintenance; closes the database.
    func stop() async {
        maintenance.cancel()
        await runtime.ruleServices.stop()
        await runtime.manager.shutdown()
        // After scraping stopped, so the stale markers are queued too; what is not sent
        // by now is sent from the saved WAL position at the next start.
        await runtime.remoteWrite.stop()
        await api.close()
        do {
            try runtime.database.close()
        } catch {
            runtime.logger.error("Closing the database failed", metadata: ["err": "\(error)"])
        }
        try? await group.shutdownGracefully()
    }
}

/// `host:port`, `:port` (all interfaces) or `[v6]:port`.
enum ListenAddress {
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
            throw Invalid(description: "invalid --web.listen-address \(text): missing port")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}
