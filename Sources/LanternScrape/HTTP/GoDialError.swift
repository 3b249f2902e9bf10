import Glibc
import LanternSupport
import NIOCore
import NIOPosix

/// A failed name lookup or connect in the words of Go's net package, which Prometheus
/// users know from its targets page and match on in alerts and scripts.
enum GoDialError {
    /// `dial tcp 127.0.0.1:9: connect: connection refused` names the address dialed, not
    /// the target's host (`localhost:9` fails as `127.0.0.1:9`);
    /// `dial tcp: lookup nosuch.invalid on 10.0.0.53:53: no such host` names the DNS
    /// server asked, as Go's own resolver does.
    static func describe(_ error: NIOConnectionError, resolvConfPath: String = "/etc/resolv.conf") -> String {
        if let failure = error.connectionErrors.first {
            let host = failure.target.ipAddress ?? error.host
            return "dial tcp \(joinHostPort(host, failure.target.port ?? error.port)): connect: \(reason(failure.error))"
        }
        let server = nameserver(resolvConf: try? KernelFile.read(resolvConfPath))
        return "dial tcp: lookup \(error.host) on \(server): \(lookupReason(error.dnsAError ?? error.dnsAAAAError))"
    }

    /// What Go says for a lookup that found no address: "no such host" for a name that does
    /// not exist or has no address (getaddrinfo's EAI_NONAME, EAI_NODATA). Other failures
    /// (a server failing or not answering) get getaddrinfo's own words: glibc does not tell
    /// them apart as Go's resolver does ("server misbehaving", "i/o timeout").
    private static func lookupReason(_ error: (any Error)?) -> String {
        guard let unknown = error as? SocketAddressError.UnknownHost,
              unknown.errorCode != Int(EAI_NONAME), unknown.errorCode != eaiNoData else { return "no such host" }
        return goStyle(unknown.errorDescription)
    }

    /// glibc's EAI_NODATA, a GNU extension Swift's Glibc module does not import.
    private static let eaiNoData = -5

    /// The server Go's resolver asks first and names in its errors: the first valid
    /// `nameserver` of resolv.conf, port 53; without one, 127.0.0.1:53 (Go's and glibc's default).
    static func nameserver(resolvConf: String?) -> String {
        for line in (resolvConf ?? "").split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count > 1, fields[0] == "nameserver", isIPAddress(String(fields[1])) else { continue }
            return joinHostPort(String(fields[1]), 53)
        }
        return "127.0.0.1:53"
    }

    /// An IPv4 or IPv6 address (with an optional `%zone`): Go skips a nameserver that is not.
    private static func isIPAddress(_ text: String) -> Bool {
        var buffer = in6_addr()
        if inet_pton(AF_INET, text, &buffer) == 1 { return true }
        let address = text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? text
        return inet_pton(AF_INET6, address, &buffer) == 1
    }

    /// Go's net.JoinHostPort: IPv6 addresses in brackets.
    private static func joinHostPort(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static func reason(_ error: any Error) -> String {
        guard let io = error as? IOError else { return "\(error)" }
        return goStyle(String(cString: strerror(io.errnoCode)))
    }

    /// glibc's message with Go's lower-case first letter ("connection refused").
    private static func goStyle(_ message: String) -> String {
        message.prefix(1).lowercased() + message.dropFirst()
    }
}
