import Foundation
import LanternMetrics
import LanternTestSupport
import Logging
import Testing

/// Output and status of a finished command.
struct CommandResult {
    var status: Int32
    var output: String
    var errorOutput: String
}

/// Runs `argv` to completion (with `environment` added to this process's). Spawned and
/// reaped directly, output through files: `systemd-sandbox start` leaves daemons behind
/// holding every inherited descriptor, so neither a pipe's end nor Foundation's
/// `Process` exit detection would ever come.
@discardableResult
func runCommand(_ argv: [String], environment: [String: String] = [:]) throws -> CommandResult {
    let scratch = try TemporaryDirectory("lantern-command")
    let outPath = scratch.path + "/out", errPath = scratch.path + "/err"
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
    let cArguments = argv.map { strdup($0) } + [nil]
    let cEnvironment = variables.map { strdup($0) } + [nil]
    defer { (cArguments + cEnvironment).forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, cEnvironment)
    guard spawned == 0 else { throw SandboxError("cannot run \(argv[0]): \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    // WIFEXITED / WEXITSTATUS, which Swift does not import; a signal counts as 128 + signal.
    let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return CommandResult(
        status: exitStatus,
        output: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
        errorOutput: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
}

/// A fresh scratch directory under /tmp, removed on deinit.
final class TemporaryDirectory {
    let path: String

    init(_ prefix: String) throws {
        path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ content: String) throws {
        try content.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A real systemd booted by `../shared/tools/systemd-sandbox`, with its own state
/// directory (SYSTEMD_SANDBOX_DIR) so that runs never share or clobber a sandbox.
final class SystemdSandbox {
    static let tool: String = {
        if let path = ProcessInfo.processInfo.environment["LANTERN_SYSTEMD_SANDBOX"] { return path }
        // The package root's sibling `shared/`, found from this file; else the workspace's.
        var directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("shared/tools/systemd-sandbox").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return "/work/shared/tools/systemd-sandbox"
    }()

    /// Why the sandbox cannot run here, or nil when it can.
    static let unavailableReason: String? = {
        if getuid() != 0 { return "needs root (it creates namespaces and mounts)" }
        if !FileManager.default.isExecutableFile(atPath: "/lib/systemd/systemd") { return "systemd is not installed" }
        if !FileManager.default.isExecutableFile(atPath: "/usr/bin/dbus-daemon") { return "dbus is not installed" }
        if !FileManager.default.isExecutableFile(atPath: tool) { return "\(tool) is missing" }
        return nil
    }()

    let state: TemporaryDirectory
    let units: TemporaryDirectory
    private(set) var isRunning = false

    /// Boots systemd with the unit files `units` (name to content) installed and wanted.
    init(units files: [String: String]) throws {
        state = try TemporaryDirectory("lantern-sandbox")
        units = try TemporaryDirectory("lantern-units")
        for (name, content) in files { try units.write(name, content) }
        try start()
    }

    deinit { stop() }

    private var environment: [String: String] { ["SYSTEMD_SANDBOX_DIR": state.path] }

    func start() throws {
        let result = try runCommand([Self.tool, "start", units.path], environment: environment)
        guard result.status == 0 else {
            throw SandboxError("systemd-sandbox start failed: \(result.errorOutput)\(result.output)")
        }
        isRunning = true
    }

    func stop() {
        guard isRunning else { return }
        _ = try? runCommand([Self.tool, "stop"], environment: environment)
        isRunning = false
    }

    /// Runs a command inside the sandbox (systemctl, python3, ...).
    @discardableResult
    func exec(_ argv: String...) throws -> CommandResult {
        try runCommand([Self.tool, "exec"] + argv, environment: environment)
    }

    var busAddress: String {
        get throws {
            let result = try runCommand([Self.tool, "bus-address"], environment: environment)
            guard result.status == 0 else { throw SandboxError("bus-address: \(result.errorOutput)") }
            return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// `systemctl show` of one unit (or the manager when `unit` is nil), as key/value pairs.
    func show(_ unit: String?, _ properties: [String]) throws -> [String: String] {
        var argv = ["systemctl", "show", "--timestamp=unix", "-p", properties.joined(separator: ",")]
        if let unit { argv.append(unit) }
        let result = try runCommand([Self.tool, "exec"] + argv, environment: environment)
        guard result.status == 0 else { throw SandboxError("systemctl show \(unit ?? ""): \(result.errorOutput)") }
        return Self.properties(result.output)
    }

    /// `Key=value` lines as a dictionary.
    private static func properties(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values
    }

    /// One property of many units, by unit, from a single `systemctl show`.
    func show(units: Set<String>, _ property: String) throws -> [String: String] {
        let result = try runCommand([Self.tool, "exec", "systemctl", "show", "-p", "Id,\(property)"] + units.sorted(), environment: environment)
        guard result.status == 0 else { throw SandboxError("systemctl show \(property): \(result.errorOutput)") }
        var values: [String: String] = [:]
        // One block per unit, blank-line separated.
        for block in result.output.components(separatedBy: "\n\n") {
            let fields = Self.properties(block)
            if let id = fields["Id"] { values[id] = fields[property] }
        }
        return values
    }

    /// Waits until `condition` holds (polling), or fails after `seconds`.
    func wait(_ what: String, seconds: Double = 20, until condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw SandboxError("timed out waiting for \(what)")
    }
}

struct SandboxError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A private bus daemon (`dbus-daemon --session`) for tests that need a peer that
/// misbehaves; stopped on deinit.
final class PrivateBus {
    let address: String
    private let daemon: Process
    private var services: [Process] = []

    /// A new daemon; at `socketPath` when given (so that a restarted daemon has the same address).
    init(socketPath: String? = nil) throws {
        daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: "/usr/bin/dbus-daemon")
        daemon.arguments = ["--session", "--nofork", "--print-address"] + (socketPath.map { ["--address=unix:path=\($0)"] } ?? [])
        let output = Pipe()
        daemon.standardOutput = output
        try daemon.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line.append(byte)
        }
        address = String(decoding: line, as: UTF8.self)
        guard !address.isEmpty else { throw SandboxError("dbus-daemon printed no address") }
    }

    /// Starts a Python service on this bus that owns `name` and never reads a message,
    /// so every call to it stays unanswered. Returns once the name is owned.
    func startSilentService(owning name: String) throws {
        try startPython("""
            import dbus, sys, time
            bus = dbus.bus.BusConnection(sys.argv[1])
            bus.request_name(sys.argv[2])
            print("ready", flush=True)
            time.sleep(3600)
            """, arguments: [name])
    }

    /// Starts `script` (python3 with python3-dbus; argv[1] is the bus address) and waits
    /// for it to print "ready".
    func startPython(_ script: String, arguments: [String] = []) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, address] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        services.append(process)
        let ready = output.fileHandleForReading.readData(ofLength: 6)
        guard String(decoding: ready, as: UTF8.self) == "ready\n" else { throw SandboxError("test service did not start") }
    }

    deinit {
        // SIGKILL: dbus-daemon --session does not exit on SIGTERM.
        for process in services + [daemon] where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

let testLogger = Logger(label: "lantern.systemd.tests")

/// One series of a scrape, labels rendered sorted as in the text format.
struct Series: Hashable, CustomStringConvertible {
    var name: String
    var labels: String
    var description: String { "\(name){\(labels)}" }
}

/// What a collector put in `sink`, by series.
func series(of sink: MetricSink) -> [Series: Double] {
    var result: [Series: Double] = [:]
    for family in sink.families {
        for metric in family.metrics {
            guard case .scalar(let value) = metric.value else { continue }
            let labels = metric.labels.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",")
            result[Series(name: family.name, labels: labels)] = value
        }
    }
    return result
}

/// Series of a Prometheus text exposition whose names start with `prefix` (enough of a
/// parser for the label values systemd units have).
func series(ofExposition text: String, prefix: String) -> [Series: Double] {
    var result: [Series: Double] = [:]
    for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
        let head = line[..<space]
        if let brace = head.firstIndex(of: "{") {
            let labels = head[head.index(after: brace)..<head.index(before: head.endIndex)]
            result[Series(name: String(head[..<brace]), labels: String(labels))] = value
        } else {
            result[Series(name: String(head), labels: "")] = value
        }
    }
    return result
}

/// A long-running program (an exporter, a server) started with `environment` added to
/// this process's, its output discarded; the caller stops it.
func startDaemon(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Process {
    let daemon = Process()
    daemon.executableURL = URL(fileURLWithPath: executable)
    daemon.arguments = arguments
    daemon.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    daemon.standardOutput = FileHandle.nullDevice
    daemon.standardError = FileHandle.nullDevice
    try daemon.run()
    return daemon
}

/// Debian's node_exporter 1.5.0, run with `arguments` against the bus at `busAddress`
/// and scraped once.
func scrapeDebianNodeExporter(busAddress: String, arguments: [String]) throws -> String {
    let port = TestSupport.freePort()
    let exporter = try startDaemon(
        "/usr/bin/prometheus-node-exporter", ["--collector.disable-defaults", "--web.listen-address=127.0.0.1:\(port)"] + arguments,
        environment: ["DBUS_SYSTEM_BUS_ADDRESS": busAddress])
    defer {
        exporter.terminate()
        exporter.waitUntilExit()
    }
    for _ in 0..<50 {
        let result = try runCommand(["/usr/bin/curl", "-sf", "http://127.0.0.1:\(port)/metrics"])
        if result.status == 0 { return result.output }
        Thread.sleep(forTimeInterval: 0.1)
    }
    throw SandboxError("node_exporter did not answer on port \(port)")
}

/// Seconds since the epoch of a `systemctl show` timestamp: `@1700000000` (with
/// --timestamp=unix) or `Thu 2026-11-26 17:24:42 UTC`; 0 for an empty or "n/a" value.
func epochSeconds(_ text: String) -> Double? {
    if text.isEmpty || text == "n/a" { return 0 }
    if text.hasPrefix("@") { return Double(text.dropFirst()) }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "EEE yyyy-MM-dd HH:mm:ss zzz"
    return formatter.date(from: text)?.timeIntervalSince1970
}
