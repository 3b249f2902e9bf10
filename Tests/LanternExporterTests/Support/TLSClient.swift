import Foundation
import LanternTestSupport

/// HTTPS requests through the curl CLI, and raw handshakes through `openssl s_client`.
enum TLSClient {
    /// nil when the connection or handshake failed (curl's message is in `failure`).
    static func get(port: Int, _ target: String = "/metrics", caFile: String, user: String? = nil,
                    certificate: (cert: String, key: String)? = nil) throws -> (reply: HTTPReply?, failure: String) {
        var arguments = ["-sS", "-i", "--max-time", "20", "--cacert", caFile]
        if let user { arguments += ["-u", user] }
        if let certificate { arguments += ["--cert", certificate.cert, "--key", certificate.key] }
        arguments.append("https://127.0.0.1:\(port)\(target)")
        let result = try TestSupport.run("/usr/bin/curl", arguments)
        guard result.status == 0 else { return (nil, result.output) }
        return (try HTTPClient.parse(Data(result.output.utf8)), "")
    }

    /// Runs a bare handshake; returns whether it succeeded and what openssl printed.
    static func handshake(port: Int, caFile: String, _ options: [String]) throws -> (succeeded: Bool, output: String) {
        let result = try TestSupport.run("/usr/bin/openssl", [
            "s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", caFile, "-verify_return_error", "-brief",
        ] + options, input: Data())
        return (result.status == 0 && result.output.contains("CONNECTION ESTABLISHED"), result.output)
    }
}
