import LanternFlags
import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `textfile` collector: metrics from `*.prom` files that batch jobs
/// and host scripts drop into one or more directories.
///
/// node_exporter 1.12.1's rules: each `--collector.textfile.directory` value is
/// glob-expanded; only direct `*.prom` entries are read, by name order; a file that does
/// not parse or carries a sample timestamp is skipped whole and sets
/// node_textfile_scrape_error; a metric in several files merges when the HELP texts agree,
/// a later file with another HELP is dropped and sets the error; a metric without HELP
/// gets `Metric read from <files>`; labels a series lacks but others of its family in the
/// same file have are added with empty values.
///
/// Lantern adds (docs/textfile.md lists each difference): a size limit, reads that never
/// block or see half a file, OpenMetrics files (ending in `# EOF`), duplicate series and
/// conflicting types set the error too, and lantern_textfile_file_error{file} names each
/// file that could not be served whole. Good text-format files give the same output.
public final class TextfileCollector: Collector {
    public struct Options: Sendable {
        /// `--collector.textfile.directory`, each value a directory or a glob.
        public var directories: [String]
        /// `--collector.textfile.max-file-bytes`; 0 or less: no limit.
        public var maxFileBytes: Int

        public init(directories: [String] = [""], maxFileBytes: Int = TextfileFlags.defaultMaxFileBytes) {
            self.directories = directories
            self.maxFileBytes = maxFileBytes
        }
    }

    static let mtime = MetricDescriptor(
        name: "node_textfile_mtime_seconds", help: "Unixtime mtime of textfiles successfully read.", type: .gauge, labels: ["file"])
    static let scrapeError = MetricDescriptor(
        name: "node_textfile_scrape_error", help: "1 if there was an error opening or reading a file, 0 otherwise", type: .gauge)
    static let fileError = MetricDescriptor(
        name: "lantern_textfile_file_error",
        help: "1 for each textfile that could not be served whole in this scrape (the log says why); absent for good files.",
        type: .gauge, labels: ["file"])

    private let options: Options
    private let paths: GoPathGlob
    private let reader: TextfileReader
    private let logger: Logger

    public convenience init(options: Options, logger: Logger) {
        self.init(options: options, logger: logger, workingDirectory: nil, reader: TextfileReader(maxBytes: options.maxFileBytes))
    }

    /// `workingDirectory` resolves relative directories (the process's own when nil);
    /// `reader` carries the test seams.
    init(options: Options, logger: Logger, workingDirectory: String?, reader: TextfileReader) {
        self.options = options
        self.paths = GoPathGlob(workingDirectory: workingDirectory)
        self.reader = reader
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        var scrape = TextfileScrape()
        for directory in expandedDirectories() {
            let names: [String]
            do {
                names = try KernelFile.entries(of: paths.resolve(directory))
            } catch {
                scrape.errored = true
                logger.error("failed to read textfile collector directory", metadata: ["path": "\(directory)", "err": "\(error.reason)"])
                continue
            }
            for name in names where name.hasSuffix(".prom") {
                let file = GoPathGlob.join(directory, name)
                do {
                    let snapshot = try reader.read(paths.resolve(file), label: file)
                    let families = try TextfileContent.families(in: snapshot.bytes, file: file)
                    scrape.add(families, from: file)
                    scrape.modificationTimes[file] = snapshot.modificationSeconds
                } catch {
                    scrape.fail(file, name: name, reason: "\(error)")
                }
            }
        }
        for family in scrape.mergedFamilies() {
            sink.add(family: family)
        }
        for record in scrape.logRecords {
            logger.error("\(record.message)", metadata: Logger.Metadata(uniqueKeysWithValues: record.metadata.map { ($0.key, .string($0.value)) }))
        }
        for (file, seconds) in scrape.modificationTimes.sorted(by: { $0.key.utf8Precedes($1.key) }) {
            sink.add(Self.mtime, seconds, file)
        }
        sink.add(Self.scrapeError, scrape.errored ? 1 : 0)
        for file in scrape.failedFiles.sorted(by: { $0.utf8Precedes($1) }) {
            sink.add(Self.fileError, 1, file)
        }
    }

    /// Each configured value glob-expanded; a value that matches nothing or is not a
    /// valid pattern is kept as written, for the directory read to report.
    private func expandedDirectories() -> [String] {
        options.directories.flatMap { pattern in
            // The default "" means no directory configured: nothing to look for (Go's Glob
            // and ReadDir fail on it, unreported), without the two failing system calls.
            guard !pattern.isEmpty else { return [String]() }
            guard let matches = paths.glob(pattern), !matches.isEmpty else { return [pattern] }
            return matches
        }
    }
}

/// Flags of the textfile collector, with node_exporter's names and defaults.
public enum TextfileFlags {
    public static let defaultMaxFileBytes = 16 * 1024 * 1024

    static let directory = Flag(
        "collector.textfile.directory",
        help: "Directory to read text files with metrics from, supports glob matching. (repeatable)",
        default: "", repeatable: true)
    /// Lantern's own: the size beyond which a file is skipped unread (and counted as an error).
    static let maxFileBytes = Flag(
        "collector.textfile.max-file-bytes",
        help: "Largest textfile read, in bytes; larger files are skipped and set node_textfile_scrape_error (0: no limit).",
        kind: .int, default: String(defaultMaxFileBytes))
    static let all = [directory, maxFileBytes]

    static func options(from flags: ParsedFlags) -> TextfileCollector.Options {
        TextfileCollector.Options(directories: flags.strings(directory.name), maxFileBytes: flags.int(maxFileBytes.name))
    }
}
