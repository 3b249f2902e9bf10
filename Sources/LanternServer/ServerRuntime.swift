import LanternPromQL
import LanternRemote
import LanternScrape
import LanternTSDB
import Logging
import Synchronization

/// Everything the API and the signal handlers share: the database, the engine, the
/// scrape manager, and the configuration with its reload state.
public final class ServerRuntime: Sendable {
    public let database: TSDB
    public let engine: Engine
    public let manager: ScrapeManager
    public let remoteWrite: RemoteWriteManager
    public let ruleServices: RuleServices
    /// `--web.enable-remote-write-receiver`: whether `POST /api/v1/write` stores samples.
    let remoteWriteReceiverEnabled: Bool
    let configPath: String
    /// Flag values as `/api/v1/status/flags` shows them.
    let flagValues: [String: String]
    let lifecycleEnabled: Bool
    let retentionDescription: String
    let startTime: Int64
    let logger: Logger
    private let config: Mutex<ServerConfig>
    private let reload = Mutex<(success: Bool, time: Int64)>((true, 0))

    init(
        database: TSDB, engine: Engine, manager: ScrapeManager, remoteWrite: RemoteWriteManager, ruleServices: RuleServices, remoteWriteReceiverEnabled: Bool,
        config: ServerConfig, configPath: String, flagValues: [String: String], lifecycleEnabled: Bool,
        retentionDescription: String, logger: Logger
    ) {
        self.database = database
        self.engine = engine
        self.manager = manager
        self.remoteWrite = remoteWrite
        self.ruleServices = ruleServices
        self.remoteWriteReceiverEnabled = remoteWriteReceiverEnabled
        self.config = Mutex(config)
        self.configPath = configPath
        self.flagValues = flagValues
        self.lifecycleEnabled = lifecycleEnabled
        self.retentionDescription = retentionDescription
        self.logger = logger
        startTime = WallClock.nowMilliseconds()
        reload.withLock { $0.time = startTime }
    }

    var currentConfig: ServerConfig { config.withLock { $0 } }
    /// `--web.enable-admin-api`, read from the flag values the status API shows.
    var adminAPIEnabled: Bool { flagValues[ServerFlags.enableAdminAPI.name] == "true" }
    var reloadState: (success: Bool, time: Int64) { reload.withLock { $0 } }

    /// Re-reads the configuration file and applies it; on error the running configuration stays.
    public func reloadConfig() async throws {
        logger.info("Loading configuration file", metadata: ["filename": "\(configPath)"])
        do {
            let loaded = try ConfigLoader.load(path: configPath, explicitlySet: true)
            // First: a bad rule file fails the reload before anything else changed.
            try await ruleServices.apply(loaded, configPath: configPath)
            config.withLock { $0 = loaded }
            await manager.apply(loaded.scrapeConfigs)
            try await remoteWrite.apply(loaded.remoteWrite, externalLabels: loaded.global.externalLabels)
            reload.withLock { $0 = (true, WallClock.nowMilliseconds()) }
            logger.info("Completed loading of configuration file", metadata: ["filename": "\(configPath)"])
        } catch {
            reload.withLock { $0.success = false }
            logger.error("Error reloading config", metadata: ["err": "\(error)"])
            throw error
        }
    }
}
