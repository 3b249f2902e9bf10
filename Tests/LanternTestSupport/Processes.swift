import Foundation

extension TestSupport {
    /// Runs a command to completion and returns its status and combined output.
    @discardableResult
    public static func run(
        _ executable: String, _ arguments: [String], input: Data? = nil, workingDirectory: URL? = nil
    ) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let inputPipe = Pipe()
        process.standardInput = inputPipe
        try process.run()
        if let input { inputPipe.fileHandleForWriting.write(input) }
        try inputPipe.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Runs a command of minutes to completion without holding a thread while it runs, so
    /// that it does not take one of the few (one per core) that every other test, and the
    /// code under test, share. Output goes to `log` (kept) or a temporary file; after
    /// `timeoutSeconds` the command is killed and the status is -1.
    public static func runAwaiting(
        _ executable: String, _ arguments: [String], workingDirectory: URL? = nil, environment: [String: String]? = nil,
        log: URL? = nil, timeoutSeconds: Double
    ) async throws -> (status: Int32, output: String) {
        let logFile = log ?? FileManager.default.temporaryDirectory.appendingPathComponent("lantern-run-\(UUID().uuidString).log")
        defer { if log == nil { try? FileManager.default.removeItem(at: logFile) } }
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        if let environment { process.environment = environment }
        process.standardOutput = handle
        process.standardError = handle
        let watchdog = Task {
            try await Task.sleep(nanoseconds: UInt64(timeoutSeconds * 1_000_000_000))
            kill(process.processIdentifier, SIGKILL)
        }
        defer { watchdog.cancel() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        let output = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        let killed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
        return (killed ? -1 : process.terminationStatus, output)
    }

    /// Starts a long-running program with its combined output written to `log`; the caller
    /// stops it with `stop`.
    public static func start(_ executable: String, _ arguments: [String], log: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// SIGTERM, then SIGKILL if the process still runs after `grace` seconds. A child
    /// started from a Swift concurrency (libdispatch) thread inherits that thread's signal
    /// mask, with SIGTERM blocked: a process that does not unblock it (Python does not)
    /// ignores `terminate()`, and an unbounded `waitUntilExit()` would never return.
    public static func stop(_ process: Process, grace: Double = 5) {
        guard process.isRunning else { return }
        process.terminate()
        if waitFor(seconds: grace, { process.isRunning ? nil : true }) == nil {
            kill(process.processIdentifier, SIGKILL)
            _ = waitFor(seconds: 10) { process.isRunning ? nil : true }
        }
    }
}

/// A child process started for a test, its combined output captured in memory, stopped
/// (bounded SIGTERM, then SIGKILL) when the test ends.
public final class RunningProcess: @unchecked Sendable {
    public let process = Process()
    private let output = Pipe()
    private let lock = NSLock()
    private var captured = Data()

    public init(_ executable: URL, _ arguments: [String], workingDirectory: URL? = nil, environment: [String: String]? = nil) throws {
        process.executableURL = executable
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        if let environment { process.environment = environment }
        process.standardOutput = output
        process.standardError = output
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            self.captured.append(data)
            self.lock.unlock()
        }
        try process.run()
    }

    public var log: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: captured, as: UTF8.self)
    }

    /// Waits until the log contains `text` or the process exits; false on timeout.
    public func waitForLog(containing text: String, seconds: Double = 30) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if log.contains(text) { return true }
            if !process.isRunning { return log.contains(text) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// Waits for the process to exit and returns its status; nil on timeout.
    public func waitForExit(seconds: Double = 30) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return process.isRunning ? nil : process.terminationStatus
    }

    public func terminate() { TestSupport.stop(process) }

    deinit { terminate() }
}

extension RunningProcess {
    /// Sends `signal` once `started` is in the log while the process is held mid-start by
    /// `fifo` (a FIFO it opens for reading, such as its web config), then lets it read an
    /// empty file and go on. True when it then exited by itself with status 0.
    public func signalMidStart(_ signal: Int32, after started: String, holdingFIFO fifo: String) async -> Bool {
        guard await TestSupport.waitFor(seconds: 30, { log.contains(started) ? true : nil }) == true else { return false }
        kill(process.processIdentifier, signal)
        // Opened once the process opens its end (or has died, which the status then shows).
        let writer = await TestSupport.waitFor(seconds: 30) { () -> Int32? in
            let descriptor = open(fifo, O_WRONLY | O_NONBLOCK)
            return descriptor >= 0 || !process.isRunning ? descriptor : nil
        }
        if let writer, writer >= 0 { close(writer) }
        let exited = await TestSupport.waitFor(seconds: 60) { process.isRunning ? nil : true }
        return exited == true && process.terminationReason == .exit && process.terminationStatus == 0
    }
}
