import Glibc
@testable import LanternCollectors
import LanternFlags
import LanternMetrics
import Testing

/// The textfile collector against node_exporter's own textfile fixtures and the e2e
/// output, its flags, and the Lantern additions on well-formed input.
@Suite struct TextfileCollectorTests {
    /// node_exporter's textfile_test.go: each fixture directory (or directory list)
    /// and the output it expects, paths relative to node_exporter's `collector/`.
    static let fixtureCases: [(directories: [String], expected: String)] = [
        (["no_metric_files"], "no_metric_files"),
        (["two_metric_files"], "two_metric_files"),
        (["nonexistent_path"], "nonexistent_path"),
        (["client_side_timestamp"], "client_side_timestamp"),
        (["different_metric_types"], "different_metric_types"),
        (["inconsistent_metrics"], "inconsistent_metrics"),
        (["histogram"], "histogram"),
        (["histogram_extra_dimension"], "histogram_extra_dimension"),
        (["summary"], "summary"),
        (["summary_extra_dimension"], "summary_extra_dimension"),
        (["histogram_extra_dimension", "summary_extra_dimension"], "glob_extra_dimension"),
        (["*_extra_dimension"], "glob_extra_dimension"),
        (["metrics_merge_empty_help"], "metrics_merge_empty_help"),
        (["metrics_merge_no_help"], "metrics_merge_no_help"),
        (["metrics_merge_same_help"], "metrics_merge_same_help"),
        (["metrics_merge_different_help"], "metrics_merge_different_help"),
    ]

    /// A working directory in which `fixtures/` is node_exporter's fixture tree, as for
    /// node_exporter's tests, which run in `collector/`.
    static func collectorDirectory() throws -> DropInDirectory {
        let directory = try DropInDirectory()
        guard symlink(Fixtures.root, directory.file("fixtures")) == 0 else { throw CollectorError("symlink failed") }
        return directory
    }

    @Test(arguments: fixtureCases.indices)
    func matchesNodeExporterFixture(index: Int) throws {
        let (directories, expected) = Self.fixtureCases[index]
        let workspace = try Self.collectorDirectory()
        let run = try TextfileRun(directories.map { "fixtures/textfile/" + $0 }, workingDirectory: workspace.path)
        // As textfile_test.go does: every mtime reads 1. Lantern's per-file error family is
        // not in node_exporter's output; it is checked below.
        var families = run.sink.families.filter { $0.name != "lantern_textfile_file_error" }
        for index in families.indices where families[index].name == "node_textfile_mtime_seconds" {
            for metric in families[index].metrics.indices { families[index].metrics[metric].value = .scalar(1) }
        }
        var problems: [String] = []
        let output = String(decoding: TextEncoder.encode(Registry.merge([families], problems: &problems)), as: UTF8.self)
        #expect(problems.isEmpty)
        #expect(output == (try Fixtures.read("textfile/\(expected).out")))

        let failed = run.failedFiles
        switch expected {
        case "client_side_timestamp": #expect(failed == ["fixtures/textfile/client_side_timestamp/metrics.prom"])
        case "metrics_merge_different_help": #expect(failed == ["fixtures/textfile/metrics_merge_different_help/b.prom"])
        default: #expect(failed.isEmpty)
        }
    }

    /// The e2e argv: a relative directory with a trailing slash, from the directory that
    /// holds `collector/fixtures`.
    @Test func matchesE2EOutput() throws {
        let workspace = try DropInDirectory()
        mkdir(workspace.file("collector"), 0o755)
        guard symlink(Fixtures.root, workspace.file("collector/fixtures")) == 0 else { throw CollectorError("symlink failed") }
        let options = TextfileFlags.options(from: try e2eFlags())
        #expect(options.directories == ["collector/fixtures/textfile/two_metric_files/"])

        let log = CapturedLog()
        let collector = TextfileCollector(
            options: options, logger: log.logger, workingDirectory: workspace.path, reader: TextfileReader(maxBytes: options.maxFileBytes))
        let sink = MetricSink()
        try collector.collect(into: sink)

        let isTextfileFamily = { (name: String) in name.hasPrefix("testmetric") || name.hasPrefix("node_textfile_") }
        let expected = try Exposition.expected(families: isTextfileFamily)
        let actual = Exposition.collected(from: sink)
        #expect(actual.headers == expected.headers)
        // e2e-output.txt skips the mtime samples (they are the checkout's mtimes).
        #expect(actual.samples.filter { $0.name != "node_textfile_mtime_seconds" } == expected.samples)
        #expect(actual.samples.filter { $0.name == "node_textfile_mtime_seconds" }.map(\.labels) == [
            "file=\"collector/fixtures/textfile/two_metric_files/metrics1.prom\"",
            "file=\"collector/fixtures/textfile/two_metric_files/metrics2.prom\"",
        ])
    }

    @Test func builtThroughTheTableWithDefaultsReadsNothing() throws {
        let definition = try #require(CollectorTable.definition(named: "textfile"))
        #expect(definition.enabledByDefault)
        let sink = try scrape("textfile", flags: try defaultFlags())
        #expect(sink.families.map(\.name) == ["node_textfile_scrape_error"])
        #expect(TextfileFlags.options(from: try defaultFlags()).directories == [""])
        #expect(TextfileFlags.options(from: try defaultFlags()).maxFileBytes == 16 * 1024 * 1024)
    }

    @Test func directoryFlagIsRepeatable() throws {
        let first = try DropInDirectory(), second = try DropInDirectory()
        try first.write("a.prom", "from_first 1\n")
        try second.write("b.prom", "from_second 2\n")
        let flags = try collectorFlags(["--collector.textfile.directory=\(first.path)", "--collector.textfile.directory=\(second.path)"])
        let sink = try scrape("textfile", flags: flags)
        let names = Set(sink.families.map(\.name))
        #expect(names.isSuperset(of: ["from_first", "from_second"]))
    }

    @Test func directoryFlagIsGlobExpanded() throws {
        let parent = try DropInDirectory()
        mkdir(parent.file("job-a"), 0o755)
        mkdir(parent.file(".job-hidden"), 0o755)
        try parent.write("job-a/a.prom", "job_a 1\n")
        try parent.write(".job-hidden/h.prom", "job_hidden 1\n")
        let run = try TextfileRun([parent.path + "/*job-*"])
        // Go's filepath.Glob lets `*` match a leading dot, unlike the shell.
        #expect(run.family("job_a") != nil)
        #expect(run.family("job_hidden") != nil)
        #expect(run.readFiles == [parent.path + "/.job-hidden/h.prom", parent.path + "/job-a/a.prom"])
    }

    @Test func maxFileBytesFlagSkipsLargerFiles() throws {
        let directory = try DropInDirectory()
        try directory.write("small.prom", "small 1\n")
        try directory.write("large.prom", "large_metric_with_a_long_name 1\n")
        let flags = try defaultFlags(["collector.textfile.directory": directory.path, "collector.textfile.max-file-bytes": "16"])
        let names = Set(try scrape("textfile", flags: flags).families.map(\.name))
        #expect(names.contains("small"))
        #expect(!names.contains("large_metric_with_a_long_name"))
        #expect(names.contains("lantern_textfile_file_error"))
        let unlimited = try defaultFlags(["collector.textfile.directory": directory.path, "collector.textfile.max-file-bytes": "0"])
        #expect(Set(try scrape("textfile", flags: unlimited).families.map(\.name)).contains("large_metric_with_a_long_name"))
    }

    @Test func onlyDirectPromEntriesAreRead() throws {
        let directory = try DropInDirectory()
        try directory.write("a.prom", "a 1\n")
        try directory.write("notes.txt", "b 1\n")
        try directory.write("c.prom.tmp", "c 1\n")
        mkdir(directory.file("nested"), 0o755)
        try directory.write("nested/d.prom", "d 1\n")
        let run = try TextfileRun([directory.path])
        #expect(run.readFiles == [directory.file("a.prom")])
        #expect(run.scrapeError == 0)
    }

    // MARK: - Beyond node_exporter, on well-formed files

    @Test func duplicateSeriesInOneFileSetTheError() throws {
        let directory = try DropInDirectory()
        try directory.write("dup.prom", "jobs_total{job=\"a\"} 1\njobs_total{job=\"a\"} 2\njobs_total{job=\"b\"} 3\n")
        let run = try TextfileRun([directory.path])
        #expect(run.scrapeError == 1)
        #expect(run.failedFiles == [directory.file("dup.prom")])
        #expect(run.scalars("jobs_total").map(\.value) == [1, 3])  // the first one is kept
        #expect(run.log.errorLines.contains { $0.contains(directory.file("dup.prom")) && $0.contains("duplicate series") })
    }

    @Test func duplicateSeriesAcrossFilesSetTheError() throws {
        let directory = try DropInDirectory()
        try directory.write("a.prom", "# HELP backups Backups.\n# TYPE backups gauge\nbackups{host=\"x\"} 1\n")
        try directory.write("b.prom", "# HELP backups Backups.\n# TYPE backups gauge\nbackups{host=\"x\"} 2\nbackups{host=\"y\"} 3\n")
        let run = try TextfileRun([directory.path])
        #expect(run.scrapeError == 1)
        #expect(run.failedFiles == [directory.file("b.prom")])
        #expect(run.scalars("backups").map(\.value) == [1, 3])
    }

    @Test func conflictingTypeAcrossFilesIsDroppedWithTheError() throws {
        let directory = try DropInDirectory()
        try directory.write("a.prom", "# TYPE jobs gauge\njobs 1\n")
        try directory.write("b.prom", "# TYPE jobs counter\njobs{x=\"1\"} 2\n")
        let run = try TextfileRun([directory.path])
        #expect(run.scrapeError == 1)
        #expect(run.failedFiles == [directory.file("b.prom")])
        #expect(run.family("jobs")?.type == .gauge)
        #expect(run.family("jobs")?.help == "Metric read from \(directory.file("a.prom")), \(directory.file("b.prom"))")
    }

    @Test func reservedNamesAreDropped() throws {
        let directory = try DropInDirectory()
        try directory.write("a.prom", "node_textfile_scrape_error 0\nfine 1\n")
        let run = try TextfileRun([directory.path])
        #expect(run.scrapeError == 1)
        #expect(run.family("fine") != nil)
        #expect(run.encoded().contains("node_textfile_scrape_error 1\n"))
    }

    @Test func reservedNamesAreTheCollectorsOwn() {
        let own = [TextfileCollector.mtime, TextfileCollector.scrapeError, TextfileCollector.fileError].map(\.name)
        #expect(TextfileContent.reservedNames == Set(own))
    }

    @Test func openMetricsDropInsAreAccepted() throws {
        let directory = try DropInDirectory()
        try directory.write("om.prom", """
            # TYPE backups counter
            # HELP backups Backups made.
            backups_total{host="x"} 3
            backups_created{host="x"} 1.7e9
            # TYPE build info
            build_info{version="1.2"} 1
            # TYPE disk_bytes gauge
            # UNIT disk_bytes bytes
            disk_bytes 42
            # EOF

            """)
        let run = try TextfileRun([directory.path])
        #expect(run.scrapeError == 0)
        #expect(run.encoded(dropping: ["node_textfile_mtime_seconds"]) == """
            # HELP backups_total Backups made.
            # TYPE backups_total counter
            backups_total{host="x"} 3
            # HELP build_info Metric read from \(directory.file("om.prom"))
            # TYPE build_info gauge
            build_info{version="1.2"} 1
            # HELP disk_bytes Metric read from \(directory.file("om.prom"))
            # TYPE disk_bytes gauge
            disk_bytes 42
            # HELP node_textfile_scrape_error 1 if there was an error opening or reading a file, 0 otherwise
            # TYPE node_textfile_scrape_error gauge
            node_textfile_scrape_error 0

            """)
    }

    @Test func openMetricsWithTimestampsIsSkippedWhole() throws {
        let directory = try DropInDirectory()
        try directory.write("om.prom", "# TYPE a gauge\na 1 1700000000.5\n# EOF\n")
        let run = try TextfileRun([directory.path])
        #expect(run.scrapeError == 1)
        #expect(run.family("a") == nil)
        #expect(run.log.errorLines.contains { $0.contains("client-side timestamps") && $0.contains(directory.file("om.prom")) })
    }

    @Test func recognisesTheEOFMarkerOnlyAsTheLastLine() {
        #expect(TextfileContent.endsWithEOFMarker(Array("a 1\n# EOF\n".utf8)))
        #expect(TextfileContent.endsWithEOFMarker(Array("# EOF".utf8)))
        #expect(!TextfileContent.endsWithEOFMarker(Array("a 1\n# EOF\nb 2\n".utf8)))
        #expect(!TextfileContent.endsWithEOFMarker(Array("a 1\nx# EOF\n".utf8)))
        #expect(!TextfileContent.endsWithEOFMarker([]))
    }

    @Test func globWithPatternsInSeveralComponents() throws {
        let root = try DropInDirectory()
        for directory in ["a1", "a1/prom", "a2", "a2/prom", "b1", "b1/prom"] { mkdir(root.file(directory), 0o755) }
        let glob = GoPathGlob(workingDirectory: root.path)
        #expect(glob.glob("a?/prom") == ["a1/prom", "a2/prom"])
        #expect(glob.glob("[ab]1/*") == ["a1/prom", "b1/prom"])
        #expect(glob.glob("c*/prom") == [])
        #expect(GoPathGlob(workingDirectory: nil).glob(root.path + "/*/prom")?.count == 3)
    }

    @Test func goPathSemantics() {
        #expect(GoPathGlob.join("collector/fixtures/textfile/two_metric_files/", "metrics1.prom")
            == "collector/fixtures/textfile/two_metric_files/metrics1.prom")
        #expect(GoPathGlob.join("./a//b/../c", "x.prom") == "a/c/x.prom")
        #expect(GoPathGlob.join("/", "x.prom") == "/x.prom")
        #expect(GoPathGlob.clean("") == ".")
        #expect(GoPathGlob.clean("../../a") == "../../a")
        #expect(GoPathGlob.clean("/../a") == "/a")
        #expect(GoPathGlob(workingDirectory: nil).glob("/nonexistent-[") == nil)
    }
}
