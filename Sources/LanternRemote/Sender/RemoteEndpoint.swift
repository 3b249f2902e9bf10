/// A remote write URL split for the HTTP client: `http://` or `https://`.
public struct RemoteEndpoint: Sendable, Equatable {
    public let url: String
    public let usesTLS: Bool
    public let host: String
    public let port: Int
    /// Path and query, `/` when the URL has none.
    public let requestTarget: String

    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public init(url: String) throws(Invalid) {
        let scheme = url.prefix { $0 != ":" }.lowercased()
        guard scheme == "http" || scheme == "https", url.dropFirst(scheme.count).hasPrefix("://") else {
            throw Invalid(description: url.contains("://") ? "unsupported scheme in URL \"\(url)\": only http and https" : "invalid URL \"\(url)\"")
        }
        usesTLS = scheme == "https"
        let rest = url.dropFirst(scheme.count + 3)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        let target = rest.dropFirst(authority.count)
        var host = Substring(authority)
        var port = usesTLS ? 443 : 80
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
