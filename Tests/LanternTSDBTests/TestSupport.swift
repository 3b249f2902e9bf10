import Glibc
import LanternPromQL
@testable import LanternTSDB

/// A fresh directory under /tmp, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/lantern-tsdb-test-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    func remove() { try? FileSystem.removeRecursively(path) }
}

func labels(_ pairs: [String: String]) -> Labels { Labels(pairs) }

/// Options with short blocks and logging collected in memory.
func testOptions(blockDuration: Int64 = 3_600_000, log: LogLines = LogLines()) -> TSDBOptions {
    var options = TSDBOptions()
    options.minBlockDuration = blockDuration
    options.maxBlockDuration = blockDuration * 9
    options.retentionDuration = 0
    options.log = { log.append($0) }
    return options
}

final class LogLines: @unchecked Sendable {
    private var lines: [String] = []
    private var lock = pthread_mutex_t()

    init() { pthread_mutex_init(&lock, nil) }

    func append(_ line: String) {
        pthread_mutex_lock(&lock)
        lines.append(line)
        pthread_mutex_unlock(&lock)
    }

    var all: [String] {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return lines
    }
}

/// Every sample of every series matching `matchers`, by series.
func readAll(_ database: TSDB, _ matchers: [LabelMatcher] = [], from start: Int64 = .min, to end: Int64 = .max) throws -> [Labels: [Point]] {
    let querier = try database.querier(mint: start, maxt: end)
    defer { querier.close() }
    let selectors = matchers.isEmpty ? [try LabelMatcher(.regexMatch, "__name__", ".+")] : matchers
    var set = try querier.select(selectors, hints: SelectHints(start: start, end: end))
    var result: [Labels: [Point]] = [:]
    while let series = try set.next() {
        var iterator = series.makeSampleIterator()
        var points: [Point] = []
        while try iterator.next() { points.append(iterator.current) }
        result[series.labels] = points
    }
    return result
}

/// Starts a program with its standard output on a pipe; returns its pid and the read end.
func spawnWithOutput(_ arguments: [String]) throws -> (pid: pid_t, output: Int32) {
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else { throw SystemError("pipe", arguments[0]) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
    posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
    var pid: pid_t = 0
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let result = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
    close(pipeEnds[1])
    guard result == 0 else { throw SystemError("spawn", arguments[0], errno: result) }
    return (pid, pipeEnds[0])
}

/// Reads from `fd` until end of file or until `enough` says the output suffices.
func readOutput(_ fd: Int32, into output: inout [UInt8], until enough: ([UInt8]) -> Bool = { _ in false }) {
    var buffer = [UInt8](repeating: 0, count: 65536)
    while !enough(output) {
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count <= 0 { return }
        output += buffer[0..<count]
    }
}

/// Runs a program, returning its exit status and standard output.
func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let child = try spawnWithOutput(arguments)
    var output: [UInt8] = []
    readOutput(child.output, into: &output)
    close(child.output)
    var status: Int32 = 0
    waitpid(child.pid, &status, 0)
    return ((status >> 8) & 0xFF, String(decoding: output, as: UTF8.self))
}
