import LanternPromQL

/// One endpoint to scrape: its final labels (what every sample gets) and the labels
/// discovery produced before relabeling, as `/api/v1/targets` shows them.
public struct ScrapeTarget: Sendable, Hashable {
    public let labels: Labels
    public let discoveredLabels: Labels
    public let url: String
    /// `http` or `https`.
    public let scheme: String
    public let host: String
    public let port: Int
    /// Path and query string of the request.
    public let requestTarget: String

    /// A dropped target (relabeled away) has no final labels: nil.
    static func make(discovered: Labels, settings: ScrapeSettings) throws(TargetError) -> ScrapeTarget? {
        guard var labels = Relabeler.process(discovered, settings.relabelConfigs) else { return nil }
        let address = labels.value("__address__")
        guard !address.isEmpty else { throw TargetError("no address") }
        if labels.value("instance").isEmpty { labels.set("instance", address) }

        let scheme = labels.value("__scheme__")
        guard scheme == "http" || scheme == "https" else { throw TargetError("unsupported scheme \"\(scheme)\", must be http or https") }
        let (host, port) = try splitHostPort(address, defaultPort: scheme == "https" ? 443 : 80)
        var query: [String] = []
        // `__param_<name>` labels override the first value of `params`, as in Prometheus.
        var params = settings.params
        for label in labels.pairs where label.name.hasPrefix("__param_") {
            let name = String(label.name.dropFirst("__param_".count))
            var values = params[name] ?? [label.value]
            values[0] = label.value
            params[name] = values
        }
        for name in params.keys.sorted() {
            for value in params[name]! { query.append(URLEncoding.encode(name) + "=" + URLEncoding.encode(value)) }
        }
        let path = labels.value("__metrics_path__")
        let requestTarget = path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        let final = Labels(labels.pairs.filter { !$0.name.hasPrefix("__") })
        return ScrapeTarget(
            labels: final, discoveredLabels: discovered, url: "\(scheme)://\(address)\(requestTarget)", scheme: scheme,
            host: host, port: port, requestTarget: requestTarget)
    }

    /// `host:port`, `[v6]:port`, or a bare host (the scheme's port).
    static func splitHostPort(_ address: String, defaultPort: Int) throws(TargetError) -> (String, Int) {
        if address.hasPrefix("["), let close = address.firstIndex(of: "]") {
            let host = String(address[address.index(after: address.startIndex)..<close])
            let rest = address[address.index(after: close)...]
            if rest.isEmpty { return (host, defaultPort) }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()) else { throw TargetError("invalid address \(address)") }
            return (host, port)
        }
        let parts = address.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return (address, defaultPort)
        case 2:
            guard let port = Int(parts[1]), (0...65535).contains(port) else { throw TargetError("invalid address \(address)") }
            return (String(parts[0]), port)
        default: throw TargetError("invalid address \(address)")
        }
    }
}

public struct TargetError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

public enum URLEncoding {
    /// Go's `url.QueryEscape`.
    public static func encode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "): result += "+"
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return result
    }
}
