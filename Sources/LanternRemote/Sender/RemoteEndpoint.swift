/// A remote write URL split for the HTTP client. Plain HTTP only: Lantern has no TLS
/// client yet.
public struct RemoteEndpoint: Sendable, Equatable {
    public let url: String
    public let host: String
    public let port: Int
    /// Path and query, `/` when the URL has none.
    public let requestTarget: String

    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public init(url: String) throws(Invalid) {
        guard url.hasPrefix("http://") else {
            throw Invalid(description: url.hasPrefix("https://")
                ? "https remote write URLs are not supported yet: Lantern sends over plain HTTP only"
                : "invalid URL \"\(url)\"")
        }
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        let target = rest.dropFirst(authority.count)
        var host = Substring(authority)
        var port = 80
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else {
                throw Invalid(description: "invalid port in URL \"\(url)\"")
            }
            port = number
            host = authority[..<colon]
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty else { throw Invalid(description: "no host in URL \"\(url)\"") }
        self.url = url
        self.host = String(host)
        self.port = port
        requestTarget = target.isEmpty ? "/" : (target.hasPrefix("?") ? "/" + target : String(target))
    }
}
