import Glibc
@testable import LanternCollectors
import LanternMetrics
import Logging
import Synchronization
import Testing

/// A directory of drop-ins a test builds (files, FIFOs, symlinks, subdirectories),
/// removed whole afterwards.
final class DropInDirectory: Sendable {
    let path: String

    init() throws {
        var template = Array("/tmp/lantern-textfile-XXXXXX".utf8CString)
        guard let directory = mkdtemp(&template) else { throw CollectorError("mkdtemp failed") }
        path = String(cString: directory)
        chmod(path, 0o755)  // searchable by the unprivileged uid of the permission test
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ content: String) throws {
        try write(name, bytes: Array(content.utf8))
    }

    /// Writes to a temporary name, then renames: the way drop-ins should be written.
    func write(_ name: String, bytes: [UInt8]) throws {
        let temporary = file(name) + ".tmp"  // not a `.prom` name, so never read half-written
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw CollectorError("cannot create \(temporary)") }
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == bytes.count, rename(temporary, file(name)) == 0 else { throw CollectorError("cannot write \(name)") }
    }

    deinit { Self.removeTree(path) }

    private static func removeTree(_ path: String) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        if (status.st_mode & S_IFMT) == S_IFDIR, let directory = opendir(path) {
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(directory)
            for name in names { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}

/// Log records kept in memory, to check that a log line names the file and the reason.
final class CapturedLog: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
        var line: String { "\(message) " + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
    }

    private let storage = Mutex<[Record]>([])
    var records: [Record] { storage.withLock { $0 } }
    var errorLines: [String] { records.filter { $0.level >= .error }.map(\.line) }

    var logger: Logger {
        Logger(label: "textfile-test") { _ in Handler(log: self) }
    }

    fileprivate func append(_ record: Record) { storage.withLock { $0.append(record) } }

    private struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let fields = (event.metadata ?? [:]).mapValues { "\($0)" }
            log.append(Record(level: event.level, message: "\(event.message)", metadata: fields))
        }
    }
}

/// One run of the textfile collector, with what it exposed and logged.
struct TextfileRun {
    let sink: MetricSink
    let log: CapturedLog

    /// Runs the collector on `directories`, with relative paths resolved from `workingDirectory`.
    init(
        _ directories: [String], maxFileBytes: Int = TextfileFlags.defaultMaxFileBytes, workingDirectory: String? = nil,
        beforeOpening: (@Sendable (String) -> Void)? = nil, afterReading: (@Sendable (String) -> Void)? = nil
    ) throws {
        log = CapturedLog()
        var reader = TextfileReader(maxBytes: maxFileBytes)
        reader.beforeOpening = beforeOpening
        reader.afterReading = afterReading
        let collector = TextfileCollector(
            options: .init(directories: directories, maxFileBytes: maxFileBytes), logger: log.logger,
            workingDirectory: workingDirectory, reader: reader)
        sink = MetricSink()
        try collector.collect(into: sink)
        #expect(sink.problems.isEmpty, "\(sink.problems)")
    }

    func family(_ name: String) -> MetricFamily? { sink.families.first { $0.name == name } }

    var scrapeError: Double? { scalars("node_textfile_scrape_error").first?.value }
    /// Files with lantern_textfile_file_error 1.
    var failedFiles: [String] { scalars("lantern_textfile_file_error").compactMap { $0.labels.first?.value } }
    /// Files with an mtime, that is read and parsed.
    var readFiles: [String] { scalars("node_textfile_mtime_seconds").compactMap { $0.labels.first?.value } }

    func scalars(_ name: String) -> [(labels: [Label], value: Double)] {
        (family(name)?.metrics ?? []).compactMap { metric in
            guard case .scalar(let value) = metric.value else { return nil }
            return (metric.labels, value)
        }
    }

    /// The text exposition, merged and sorted as the registry does.
    func encoded(dropping dropped: Set<String> = []) -> String {
        var problems: [String] = []
        let families = Registry.merge([sink.families.filter { !dropped.contains($0.name) }], problems: &problems)
        #expect(problems.isEmpty, "\(problems)")
        return String(decoding: TextEncoder.encode(families), as: UTF8.self)
    }
}
