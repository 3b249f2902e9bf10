import Glibc
import LanternCollectors
import LanternFlags
import LanternMetrics
import Logging
import Testing
import LanternSupport

/// node_exporter's fixture tree: `../shared/fixtures/node_exporter` beside the package
/// root (found from this file's real path; the test directory may be a symlink), with
/// its symbolic links and empty directories restored by `scripts/materialize-fixtures`
/// into `.build/`.
enum Fixtures {
    static let root: String = {
        var directory = realPath(#filePath)
        while !directory.isEmpty && directory != "/" {
            directory = parent(directory)
            if access(directory + "/Package.swift", F_OK) == 0 { break }
        }
        let shared = parent(directory) + "/shared/fixtures/node_exporter"
        let materialized = directory + "/.build/lantern-fixtures/node_exporter"
        // Run even when the tree exists: it then only adds empty directories an older tree lacks.
        _ = system("'\(directory)/scripts/materialize-fixtures' '\(shared)' '\(materialized)' > /dev/null")
        return materialized
    }()

    static let paths = HostPaths(procfs: root + "/proc", sysfs: root + "/sys", rootfs: root, udevData: root + "/udev/data")

    static func read(_ relative: String) throws -> String {
        try KernelFile.read(root + "/" + relative)
    }

    private static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }
}

/// One exposed series reduced to what the comparison needs; labels rendered as in the
/// text format (sorted by name, escaped).
struct Sample: Hashable, Comparable, CustomStringConvertible {
    var name: String
    var labels: String
    var value: Double

    static func < (a: Sample, b: Sample) -> Bool { (a.name, a.labels) < (b.name, b.labels) }
    var description: String { "\(name){\(labels)} \(value)" }
}

struct FamilyHeader: Hashable {
    var help: String
    var type: String
}

/// What a collector exposed, or what e2e-output.txt expects, for a set of families.
struct Exposition: Equatable {
    var headers: [String: FamilyHeader] = [:]
    var samples: [Sample] = []

    /// Lines of e2e-output.txt for the families `include` selects. A test-only splitter:
    /// enough for the label values these families have.
    static func expected(families include: (String) -> Bool) throws -> Exposition {
        var result = Exposition()
        var helps: [String: String] = [:]
        for line in try Fixtures.read("e2e-output.txt").split(separator: "\n") {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                let rest = line.dropFirst(7)
                let name = String(rest.prefix { $0 != " " })
                guard include(name) else { continue }
                let text = String(rest.dropFirst(name.count + 1))
                if line.hasPrefix("# HELP ") {
                    helps[name] = text
                } else {
                    result.headers[name] = FamilyHeader(help: helps[name] ?? "", type: text)
                }
                continue
            }
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            guard include(name), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            var labels = ""
            if line.dropFirst(name.count).first == "{", let close = line[..<space].lastIndex(of: "}") {
                labels = String(line[line.index(line.startIndex, offsetBy: name.count + 1)..<close])
            }
            result.samples.append(Sample(name: name, labels: labels, value: value))
        }
        result.samples.sort()
        return result
    }

    static func collected(from sink: MetricSink) -> Exposition {
        var result = Exposition()
        for family in sink.families {
            result.headers[family.name] = FamilyHeader(help: family.help, type: family.type.rawValue)
            for metric in family.metrics {
                guard case .scalar(let value) = metric.value else { continue }
                let labels = metric.labels.map { "\($0.name)=\"\(escaped($0.value))\"" }.joined(separator: ",")
                result.samples.append(Sample(name: family.name, labels: labels, value: value))
            }
        }
        result.samples.sort()
        return result
    }

    private static func escaped(_ value: String) -> String {
        var text = ""
        for character in value {
            switch character {
            case "\\": text += "\\\\"
            case "\"": text += "\\\""
            case "\n": text += "\\n"
            default: text.append(character)
            }
        }
        return text
    }
}

/// Parses collector flags with the real flag parser over the table's flags.
func collectorFlags(_ arguments: [String]) throws -> ParsedFlags {
    var flagSet = FlagSet(programName: "lantern-exporter")
    flagSet.add(contentsOf: CollectorTable.allFlags)
    guard case .run(let parsed) = try flagSet.parse(arguments) else { throw CollectorError("arguments asked for help") }
    return parsed
}

/// Every flag at its default, but for `overrides`.
func defaultFlags(_ overrides: [String: String] = [:]) throws -> ParsedFlags {
    try collectorFlags(overrides.map { "--\($0.key)=\($0.value)" })
}

/// The collector flags of node_exporter's e2e argv (`e2e-args-x86_64.txt`), with
/// `overrides` in place of the e2e values. Flags of collectors not in the table yet
/// are left out.
func e2eFlags(_ overrides: [String: String] = [:]) throws -> ParsedFlags {
    let declared = Set(CollectorTable.allFlags.map(\.name))
    let argv = try Fixtures.read("e2e-args-x86_64.txt").split(separator: "\n").dropFirst().map(String.init)
    var arguments: [String] = []
    var index = 0
    while index < argv.count {
        let argument = argv[index]
        index += 1
        let name = String(argument.dropFirst(2).split(separator: "=", maxSplits: 1).first ?? "")
        let bare = name.hasPrefix("no-") ? String(name.dropFirst(3)) : name
        guard argument.hasPrefix("--"), declared.contains(bare), overrides[bare] == nil else {
            // A flag we do not declare; skip its separate value too (`--web.listen-address X`).
            if !argument.contains("="), index < argv.count, !argv[index].hasPrefix("--") { index += 1 }
            continue
        }
        arguments.append(argument)
    }
    return try collectorFlags(arguments + overrides.map { "--\($0.key)=\($0.value)" })
}

/// Asserts that what `collector` exposes (built with `flags`, the e2e flags by default)
/// equals e2e-output.txt on the families `families` selects: HELP and TYPE per family,
/// then every series and value, each once. Samples named in `skippedSamples` are dropped
/// from the collector's side (families node_exporter's e2e harness filters with skip_re,
/// which e2e-output.txt lacks). Failures are reported at the caller.
func expectE2EParity(_ collector: String, families: @escaping (String) -> Bool, skippedSamples: Set<String> = [],
                     flags: ParsedFlags? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let expected = try Exposition.expected(families: families)
    var actual = Exposition.collected(from: try scrape(collector, flags: flags))
    actual.headers = actual.headers.filter { families($0.key) }
    actual.samples = actual.samples.filter { families($0.name) && !skippedSamples.contains($0.name) }
    #expect(!expected.samples.isEmpty, sourceLocation: sourceLocation)
    #expect(actual.headers == expected.headers, sourceLocation: sourceLocation)
    for missing in Set(expected.samples).subtracting(actual.samples).sorted() {
        Issue.record("missing \(missing)", sourceLocation: sourceLocation)
    }
    for extra in Set(actual.samples).subtracting(expected.samples).sorted() {
        Issue.record("unexpected \(extra)", sourceLocation: sourceLocation)
    }
    #expect(actual.samples.count == expected.samples.count, "duplicate series", sourceLocation: sourceLocation)
}

let testLogger = Logger(label: "lantern.collectors.tests")

/// Builds a collector through the table, as the exporter does, and runs it once.
func scrape(_ name: String, paths: HostPaths = Fixtures.paths, flags: ParsedFlags? = nil) throws -> MetricSink {
    let definition = try #require(CollectorTable.definition(named: name))
    let collector = try definition.make(CollectorContext(paths: paths, flags: try flags ?? e2eFlags(), logger: testLogger))
    let sink = MetricSink()
    try collector.collect(into: sink)
    #expect(sink.problems.isEmpty, "\(sink.problems)")
    return sink
}

/// A scratch directory for fixtures a test writes itself; removed with what was written.
final class ScratchDirectory {
    let path: String
    private var created: [String] = []

    init() throws {
        var template = Array("/tmp/lantern-collectors-XXXXXX".utf8CString)
        guard let directory = mkdtemp(&template) else { throw CollectorError("mkdtemp failed") }
        path = String(cString: directory)
    }

    func write(_ relative: String, _ content: String) throws {
        var current = path
        for component in relative.split(separator: "/").dropLast() {
            current += "/" + component
            if mkdir(current, 0o755) == 0 { created.append(current) }
        }
        let file = path + "/" + relative
        guard let handle = fopen(file, "w") else { throw CollectorError("cannot write \(file)") }
        fputs(content, handle)
        fclose(handle)
        if !created.contains(file) { created.append(file) }
    }

    deinit {
        for entry in created.reversed() { _ = remove(entry) }
        rmdir(path)
    }
}
