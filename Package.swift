// swift-tools-version:6.0
import PackageDescription

/// This manifest's directory: linker flags need absolute paths.
let packageDirectory = String(#filePath.dropLast("/Package.swift".count))

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
        // TLS for both binaries' HTTP servers (BoringSSL inside; no Foundation).
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // YAML for prometheus.yml and file_sd files: the server only, never the exporter.
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // Remote write's protobuf messages (the generated code is committed; no build plugin).
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    ],
    targets: [
        // zlib from Debian (zlib1g-dev): gzip for HTTP responses.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // snappy from Debian (libsnappy-dev): WAL records' and remote write's block compression.
        .systemLibrary(name: "CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        // libxcrypt from Debian (libcrypt-dev): bcrypt for basic auth passwords.
        .systemLibrary(name: "CCrypt", pkgConfig: "libcrypt", providers: [.apt(["libcrypt-dev"])]),
        // libsystemd from Debian (libsystemd-dev): sd-bus for the systemd and logind collectors.
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // getdents64(2) for Swift (header only): directory listings without opendir's fstat.
        .systemLibrary(name: "CDirectoryEntries"),

        // Small Foundation-free pieces every module shares: kernel-file reading, Go's
        // string quoting, Go's byte-wise string order.
        .target(name: "LanternSupport", dependencies: ["CDirectoryEntries"]),

        // Metric model, registry, encoders and the exposition parser. No Foundation.
        .target(name: "LanternMetrics", dependencies: ["LanternSupport"]),

        // kingpin-compatible command-line flags, shared by both binaries.
        .target(name: "LanternFlags", dependencies: ["LanternSupport"]),

        // logfmt / JSON log handlers for swift-log.
        .target(name: "LanternLog", dependencies: ["LanternSupport", .product(name: "Logging", package: "swift-log")]),

        // Host collectors: kernel-file parsers (Procfs/, Sysfs/) apart from the metric mapping.
        // A typed bridge over sd-bus: one kept connection per user, a timeout on every call,
        // GetAll property reads; typed clients of systemd1 and login1. No Foundation.
        .target(name: "LanternSystemd", dependencies: ["CSystemd"]),

        .target(name: "LanternCollectors", dependencies: [
            "LanternMetrics", "LanternFlags", "LanternSupport", "LanternSystemd",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // exporter-toolkit's web config (TLS, basic auth, headers, rate limits) for both
        // binaries, the Foundation-free YAML subset reader it is written in, and the
        // connection pipeline (limits, TLS, auth) both HTTP servers put in front of theirs.
        .target(name: "LanternWeb", dependencies: [
            "CCrypt", "LanternFlags", "LanternSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // The PromQL engine: lexer, parser, evaluator, the storage interface a TSDB
        // implements (Storage/Queryable.swift), an in-memory store and the promqltest
        // conformance runner. No Foundation.
        .target(name: "LanternPromQL", dependencies: ["LanternMetrics", "LanternSupport"]),

        // Snappy's block format over libsnappy: compressed WAL records and remote-write bodies.
        .target(name: "LanternSnappy", dependencies: ["CSnappy"]),

        // The time-series database: head + WAL + blocks in Prometheus' on-disk format,
        // serving LanternPromQL's Queryable. No Foundation.
        .target(name: "LanternTSDB", dependencies: ["LanternPromQL", "LanternMetrics", "LanternSnappy", "LanternSupport"]),

        // The exporter: flags, HTTP server, self-metrics.
        .target(name: "LanternExporter", dependencies: [
            "LanternMetrics", "LanternCollectors", "LanternFlags", "LanternLog", "LanternWeb", "CZlib",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Linked by lld with the functions that serve scrapes first (scrape-path.order, from
        // `bench/run --write-text-order`): they then share a few pages instead of keeping most of
        // the binary resident (docs/performance.md, "Exporter memory"). Packed relative
        // relocations (glibc >= 2.36: Debian 12) and no exported symbols (the static stdlib's
        // link arguments export all 20 000: nothing looks them up) keep what the dynamic linker
        // reads small: 1.2 MB of relocations -> 12 kB, 1.8 MB of symbol tables -> 16 kB
        // ("Session 5: exporter peak memory").
        .executableTarget(name: "lantern-exporter", dependencies: ["LanternExporter"], exclude: ["scrape-path.order", "private-functions.ld"],
                          linkerSettings: [.unsafeFlags([
                              "-use-ld=lld", "-Xlinker", "--symbol-ordering-file=\(packageDirectory)/Sources/lantern-exporter/scrape-path.order",
                              "-Xlinker", "--no-warn-symbol-ordering",
                              "-Xlinker", "--script=\(packageDirectory)/Sources/lantern-exporter/private-functions.ld",
                              "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic",
                          ])]),

        // Scraping for lantern-server: targets, relabeling, the NIO HTTP(S) client, scrape loops
        // with staleness, appending to the TSDB.
        .target(name: "LanternScrape", dependencies: [
            "LanternTSDB", "LanternPromQL", "LanternMetrics", "LanternSupport", "CZlib",
            .product(name: "Yams", package: "Yams"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Recording and alerting rules: rule files, Go-style templates, evaluation into the
        // TSDB, notifications to Alertmanager.
        .target(name: "LanternRules", dependencies: [
            "LanternTSDB", "LanternPromQL", "LanternScrape", "LanternMetrics", "LanternFlags", "LanternSupport",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Prometheus remote write 1.0: queues sending Lantern's WAL to an endpoint, and the
        // receiver's decoding and storing. Protobuf/*.pb.swift are generated from the
        // .proto files beside them (scripts/generate-protobuf).
        .target(name: "LanternRemote", dependencies: [
            "LanternTSDB", "LanternScrape", "LanternPromQL", "LanternMetrics", "LanternSnappy",
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], exclude: ["Protobuf/types.proto", "Protobuf/remote.proto"]),
        // The server: flags, prometheus.yml, the Prometheus-compatible HTTP API.
        .target(name: "LanternServer", dependencies: [
            "LanternRemote", "LanternRules", "LanternScrape", "LanternTSDB", "LanternPromQL", "LanternMetrics", "LanternFlags", "LanternLog", "LanternSupport",
            "LanternWeb",
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
        // Against a real systemd (../shared/tools/systemd-sandbox, root) and private buses.
        .testTarget(name: "LanternSystemdTests", dependencies: [
            "LanternSystemd", "LanternCollectors", "LanternMetrics", "LanternFlags", "LanternTestSupport", .product(name: "Logging", package: "swift-log"),
            // GrafanaDashboardTests runs both binaries against the sandboxed systemd.
            "lantern-exporter", "lantern-server",
        ]),
        // Binaries, processes, ports and API helpers the integration tests share.
        .target(name: "LanternTestSupport", path: "Tests/LanternTestSupport"),
        .testTarget(name: "LanternExporterTests", dependencies: ["LanternExporter", "LanternMetrics", "LanternSupport", "LanternTestSupport"]),
        .testTarget(name: "LanternPromQLTests", dependencies: ["LanternPromQL", "LanternSupport"]),
        // Writes to a TSDB until killed: the crash-safety test's kill -9 subject.
        .executableTarget(name: "lantern-tsdb-crashwriter", dependencies: ["LanternTSDB", "LanternPromQL"], path: "Tests/LanternTSDBCrashWriter"),
        .testTarget(name: "LanternServerTests", dependencies: [
            "LanternServer", "LanternScrape", "LanternPromQL", "LanternTestSupport", "lantern-server", "lantern-exporter",
        ]),
        .testTarget(name: "LanternRulesTests", dependencies: ["LanternRules", "LanternTSDB", "LanternPromQL"]),
        .testTarget(name: "LanternRemoteTests", dependencies: [
            "LanternRemote", "LanternSnappy", "LanternTSDB", "LanternPromQL", "LanternScrape", "LanternTestSupport", "lantern-server", "lantern-exporter",
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "LanternTSDBTests", dependencies: ["LanternTSDB", "LanternPromQL", "lantern-tsdb-crashwriter"]),
    ]
)
