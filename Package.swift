// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "lantern",
    products: [
        .library(name: "LanternMetrics", targets: ["LanternMetrics"]),
        .executable(name: "lantern-exporter", targets: ["lantern-exporter"]),
        .executable(name: "lantern-server", targets: ["lantern-server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // YAML for prometheus.yml and file_sd files: the server only, never the exporter.
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // zlib from Debian (zlib1g-dev): gzip for HTTP responses.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Small Foundation-free pieces every module shares: kernel-file reading, Go's
        // string quoting, Go's byte-wise string order.
        .target(name: "LanternSupport"),

        // Metric model, registry, encoders and the exposition parser. No Foundation.
        .target(name: "LanternMetrics", dependencies: ["LanternSupport"]),

        // kingpin-compatible command-line flags, shared by both binaries.
        .target(name: "LanternFlags", dependencies: ["LanternSupport"]),

        // logfmt / JSON log handlers for swift-log.
        .target(name: "LanternLog", dependencies: ["LanternSupport", .product(name: "Logging", package: "swift-log")]),

        // Host collectors: kernel-file parsers (Procfs/, Sysfs/) apart from the metric mapping.
        .target(name: "LanternCollectors", dependencies: [
            "LanternMetrics", "LanternFlags", "LanternSupport",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // exporter-toolkit's web config (TLS, basic auth, headers, rate limits) for both
        // binaries, and the Foundation-free YAML subset reader it is written in.
        .target(name: "LanternWeb"),

        // The PromQL engine: lexer, parser, evaluator, the storage interface a TSDB
        // implements (Storage/Queryable.swift), an in-memory store and the promqltest
        // conformance runner. No Foundation.
        .target(name: "LanternPromQL", dependencies: ["LanternMetrics", "LanternSupport"]),

        // The time-series database: head + WAL + blocks in Prometheus' on-disk format,
        // serving LanternPromQL's Queryable. No Foundation.
        .target(name: "LanternTSDB", dependencies: ["LanternPromQL", "LanternMetrics", "LanternSupport"]),

        // The exporter: flags, HTTP server, self-metrics.
        .target(name: "LanternExporter", dependencies: [
            "LanternMetrics", "LanternCollectors", "LanternFlags", "LanternLog", "CZlib",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "lantern-exporter", dependencies: ["LanternExporter"]),

        // Scraping for lantern-server: targets, relabeling, the NIO HTTP client, scrape loops
        // with staleness, appending to the TSDB.
        .target(name: "LanternScrape", dependencies: [
            "LanternTSDB", "LanternPromQL", "LanternMetrics", "LanternSupport", "CZlib",
            .product(name: "Yams", package: "Yams"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The server: flags, prometheus.yml, the Prometheus-compatible HTTP API.
        .target(name: "LanternServer", dependencies: [
            "LanternScrape", "LanternTSDB", "LanternPromQL", "LanternMetrics", "LanternFlags", "LanternLog", "LanternSupport",
            .product(name: "Yams", package: "Yams"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "lantern-server", dependencies: ["LanternServer"]),

        .testTarget(name: "LanternMetricsTests", dependencies: ["LanternMetrics", "LanternSupport"]),
        .testTarget(name: "LanternFlagsTests", dependencies: ["LanternFlags"]),
        .testTarget(name: "LanternLogTests", dependencies: ["LanternLog"]),
        .testTarget(name: "LanternCollectorsTests", dependencies: [
            "LanternCollectors", "LanternMetrics", "LanternFlags", "LanternSupport", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "LanternWebTests", dependencies: ["LanternWeb"]),
        .testTarget(name: "LanternExporterTests", dependencies: ["LanternExporter", "LanternMetrics"]),
        .testTarget(name: "LanternPromQLTests", dependencies: ["LanternPromQL", "LanternSupport"]),
        // Writes to a TSDB until killed: the crash-safety test's kill -9 subject.
        .executableTarget(name: "lantern-tsdb-crashwriter", dependencies: ["LanternTSDB", "LanternPromQL"], path: "Tests/LanternTSDBCrashWriter"),
        .testTarget(name: "LanternServerTests", dependencies: [
            "LanternServer", "LanternScrape", "LanternPromQL", "lantern-server", "lantern-exporter",
        ]),
        .testTarget(name: "LanternTSDBTests", dependencies: ["LanternTSDB", "LanternPromQL", "lantern-tsdb-crashwriter"]),
    ]
)
