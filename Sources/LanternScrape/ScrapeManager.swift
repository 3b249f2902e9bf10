import LanternPromQL
import LanternTSDB
import Logging
import NIOCore

/// Runs the scrape pools of all jobs: builds targets from static and file discovery,
/// starts a loop per new target, stops (with stale markers) loops of targets that went
/// away, and re-reads discovery files when they change.
public actor ScrapeManager {
    public struct Pool: Sendable {
        public var settings: ScrapeSettings
        public var loops: [ScrapeTarget: ScrapeLoop] = [:]
        public var dropped: [Labels] = []
        var fileTimes: [String: Int64] = [:]
        var lastFileRead: Int64 = 0
    }

    private let database: TSDB
    private let client: ScrapeHTTPClient
    private let logger: Logger
    public private(set) var pools: [String: Pool] = [:]
    private var discoveryTask: Task<Void, Never>?
    /// How often discovery files' modification times are checked.
    static let filePollMilliseconds: Int64 = 5000

    public init(database: TSDB, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.database = database
        self.client = ScrapeHTTPClient(group: eventLoopGroup)
        self.logger = logger
    }

    /// Applies a (re)loaded configuration. Jobs whose settings are unchanged keep their loops.
    public func apply(_ jobs: [ScrapeSettings]) async {
        let names = Set(jobs.map(\.jobName))
        for (name, pool) in pools where !names.contains(name) {
            await stop(pool.loops.values)
            pools[name] = nil
        }
        for settings in jobs {
            if let existing = pools[settings.jobName], existing.settings.fingerprint != settings.fingerprint {
                await stop(existing.loops.values)
                pools[settings.jobName] = nil
            }
            if pools[settings.jobName] == nil { pools[settings.jobName] = Pool(settings: settings) }
            await sync(job: settings.jobName, forceRead: true)
        }
        if discoveryTask == nil {
            discoveryTask = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(Self.filePollMilliseconds) * 1_000_000)
                    await self?.pollDiscoveryFiles()
                }
            }
        }
    }

    /// Stops every loop (writing stale markers) and the discovery poller.
    public func shutdown() async {
        discoveryTask?.cancel()
        discoveryTask = nil
        for pool in pools.values { await stop(pool.loops.values) }
        pools = [:]
    }

    private func pollDiscoveryFiles() async {
        for name in pools.keys.sorted() { await sync(job: name, forceRead: false) }
    }

    /// Rebuilds a job's targets when forced, when a discovery file changed or when its
    /// refresh interval passed; starts and stops loops to match.
    private func sync(job name: String, forceRead: Bool) async {
        guard var pool = pools[name] else { return }
        let settings = pool.settings
        let paths = FileDiscovery.expand(settings.fileDiscovery.flatMap(\.files))
        let times = FileDiscovery.modificationTimes(paths)
        let now = WallClock.nowMilliseconds()
        let refresh = settings.fileDiscovery.map(\.refreshInterval).min() ?? .max
        guard forceRead || times != pool.fileTimes || now - pool.lastFileRead >= refresh else { return }
        pool.fileTimes = times
        pool.lastFileRead = now

        var groups = settings.staticGroups
        for path in paths {
            do { groups += try FileDiscovery.read(path) } catch {
                logger.error("Error reading file", metadata: ["discovery": "file", "err": "\(error)"])
            }
        }
        let built = TargetBuilder.targets(from: groups, settings: settings)
        for error in built.errors {
            logger.error("Creating target failed", metadata: ["scrape_pool": "\(name)", "err": "\(error)"])
        }
        let wanted = Set(built.active)
        let gone = pool.loops.filter { !wanted.contains($0.key) }
        for target in built.active where pool.loops[target] == nil {
            let loop = ScrapeLoop(target: target, settings: settings, client: client, database: database, logger: logger)
            pool.loops[target] = loop
            loop.start()
        }
        for target in gone.keys { pool.loops[target] = nil }
        pool.dropped = built.dropped
        pools[name] = pool
        await stop(gone.values)
    }

    private func stop(_ loops: some Sequence<ScrapeLoop>) async {
        await withTaskGroup(of: Void.self) { group in
            for loop in loops { group.addTask { await loop.stop() } }
        }
    }
}
