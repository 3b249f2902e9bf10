import Foundation

/// Binaries built by the same `swift build`, found next to the test bundle (as
/// LanternExporterTests' TestPaths does), and small process and HTTP helpers.
enum ServerTestSupport {
    static let productsDirectory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    static var exporter: String { productsDirectory.appendingPathComponent("lantern-exporter").path }
    static var server: String { productsDirectory.appendingPathComponent("lantern-server").path }

    static func temporaryDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lantern-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A port nobody listens on now (bound then released).
    static func freePort() -> Int {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketDescriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketDescriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func start(_ executable: String, _ arguments: [String], log: URL) throws -> Process {
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

    /// SIGTERM, then SIGKILL after `grace` seconds: a child started from a Swift concurrency
    /// thread inherits its blocked SIGTERM, and an unbounded wait would then never return.
    static func stop(_ process: Process, grace: Double = 5) {
        guard process.isRunning else { return }
        process.terminate()
        if waitFor(seconds: grace, { process.isRunning ? nil : true }) == nil {
            kill(process.processIdentifier, SIGKILL)
            _ = waitFor(seconds: 10) { process.isRunning ? nil : true }
        }
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// GET `path` and decode its JSON; nil while the server is not answering.
    static func json(port: Int, _ path: String) -> [String: Any]? {
        guard let result = try? run("/usr/bin/curl", ["-sfg", "--max-time", "5", "http://127.0.0.1:\(port)\(path)"]), result.status == 0 else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(result.output.utf8))) as? [String: Any]
    }

    static func waitFor<T>(seconds: Double, _ probe: () -> T?) -> T? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let value = probe() { return value }
            Thread.sleep(forTimeInterval: 0.25)
        }
        return nil
    }

    /// The vector result of an instant query.
    static func vector(port: Int, _ query: String) -> [[String: Any]]? {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        guard let reply = json(port: port, "/api/v1/query?query=\(encoded)"),
              let data = reply["data"] as? [String: Any] else { return nil }
        return data["result"] as? [[String: Any]]
    }

    /// The JSON's shape: keys and value types, arrays by their first element.
    static func shape(_ value: Any) -> String {
        switch value {
        case let dictionary as [String: Any]:
            return "{" + dictionary.keys.sorted().map { "\($0):\(shape(dictionary[$0]!))" }.joined(separator: ",") + "}"
        case let array as [Any]:
            return "[" + (array.first.map(shape) ?? "") + "]"
        case is String: return "string"
        case is NSNumber: return "number"
        default: return "\(type(of: value))"
        }
    }
}
