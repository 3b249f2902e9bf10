/// The outcome of content negotiation for one request: the format, and what promhttp
/// also carries in the `Content-Type` (OpenMetrics version, name escaping scheme).
public struct NegotiatedFormat: Sendable, Hashable {
    public var format: ExpositionFormat
    /// "1.0.0" or "0.0.1" for OpenMetrics (both written by the same encoder); unused for text.
    public var openMetricsVersion: String
    public var nameEscaping: NameEscaping

    public init(format: ExpositionFormat, openMetricsVersion: String = "1.0.0", nameEscaping: NameEscaping = .underscores) {
        self.format = format
        self.openMetricsVersion = openMetricsVersion
        self.nameEscaping = nameEscaping
    }

    /// As promhttp sends it: the media type plus `; escaping=<scheme>`.
    public var contentType: String {
        switch format {
        case .prometheusText:
            return "text/plain; version=0.0.4; charset=utf-8; escaping=" + nameEscaping.rawValue
        case .openMetrics:
            return "application/openmetrics-text; version=" + openMetricsVersion + "; charset=utf-8; escaping="
                + nameEscaping.rawValue
        }
    }

    /// Encodes families in this format (with `# EOF` for OpenMetrics). `cache` serves
    /// the text format (see `TextEncoder.encode`).
    public func encode(_ families: [MetricFamily], cache: TextEncodingCache? = nil) -> [UInt8] {
        switch format {
        case .prometheusText: return TextEncoder.encode(families, nameEscaping: nameEscaping, cache: cache)
        case .openMetrics: return OpenMetricsEncoder.encode(families, nameEscaping: nameEscaping)
        }
    }
}

/// HTTP content negotiation as promhttp does it (prometheus/common `expfmt.Negotiate`
/// and `NegotiateIncludingOpenMetrics` over goautoneg's Accept parsing).
public enum ContentNegotiation {
    /// Picks the format for an `Accept` header. OpenMetrics is only considered when
    /// `openMetricsEnabled` (promhttp's `EnableOpenMetrics`, which node_exporter leaves
    /// off). Protobuf is not implemented: a protobuf clause is passed over, so the
    /// client gets its next choice.
    public static func negotiate(accept: String?, openMetricsEnabled: Bool) -> NegotiatedFormat {
        var escaping = NameEscaping.underscores
        for clause in AcceptClause.parse(accept ?? "") {
            // Like Go, an escaping parameter counts even on a clause that is not chosen.
            if let requested = clause.parameters["escaping"], let scheme = NameEscaping(rawValue: requested) {
                escaping = scheme
            }
            let version = clause.parameters["version"] ?? ""
            if clause.type == "text" && clause.subtype == "plain" && (version == "0.0.4" || version.isEmpty) {
                return NegotiatedFormat(format: .prometheusText, nameEscaping: escaping)
            }
            if openMetricsEnabled && clause.type == "application" && clause.subtype == "openmetrics-text" {
                switch version {
                case "1.0.0", "0.0.1":
                    return NegotiatedFormat(format: .openMetrics, openMetricsVersion: version, nameEscaping: escaping)
                case "":
                    return NegotiatedFormat(format: .openMetrics, openMetricsVersion: "0.0.1", nameEscaping: escaping)
                default: break
                }
            }
        }
        return NegotiatedFormat(format: .prometheusText, nameEscaping: escaping)
    }

    /// See the top-level `acceptsGzip(_:)`.
    public static func acceptsGzip(_ acceptEncoding: String?) -> Bool {
        guard let acceptEncoding else { return false }
        var gzipQuality: Double?
        var wildcardQuality: Double?
        for part in acceptEncoding.split(separator: ",") {
            let pieces = part.split(separator: ";")
            guard let first = pieces.first else { continue }
            let coding = trimmingWhitespace(first).lowercased()
            var quality = 1.0
            for parameter in pieces.dropFirst() {
                let keyValue = parameter.split(separator: "=", maxSplits: 1)
                guard keyValue.count == 2, trimmingWhitespace(keyValue[0]).lowercased() == "q" else { continue }
                quality = Double(trimmingWhitespace(keyValue[1])) ?? 0
            }
            switch coding {
            case "gzip", "x-gzip": gzipQuality = max(gzipQuality ?? 0, quality)
            case "*": wildcardQuality = quality
            default: break
            }
        }
        return (gzipQuality ?? wildcardQuality ?? 0) > 0
    }

    private static func trimmingWhitespace(_ text: Substring) -> String {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        let start = text.firstIndex { !isWhitespace($0) } ?? text.endIndex
        let end = text[start...].lastIndex { !isWhitespace($0) }.map { text.index(after: $0) } ?? start
        return String(text[start..<end])
    }
}

/// One clause of an `Accept` header, parsed and ordered like goautoneg's `ParseAccept`.
struct AcceptClause {
    var type: String
    var subtype: String
    var quality: Double
    var parameters: [String: String]

    static func parse(_ header: String) -> [AcceptClause] {
        var clauses: [AcceptClause] = []
        for rawPart in header.split(separator: ",", omittingEmptySubsequences: false) {
            let part = trimSpaces(rawPart)
            let pieces = part.split(separator: ";", omittingEmptySubsequences: false)
            let mediaRange = pieces.first ?? ""
            let typeParts = mediaRange.split(separator: "/", omittingEmptySubsequences: false)
            let type = trimSpaces(typeParts.first ?? "")
            let subtype: String
            if typeParts.count == 1 && type == "*" {
                subtype = "*"
            } else if typeParts.count == 2 {
                subtype = trimSpaces(typeParts[1])
            } else {
                continue
            }
            var clause = AcceptClause(type: type, subtype: subtype, quality: 1, parameters: [:])
            for parameter in pieces.dropFirst() {
                let keyValue = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard keyValue.count == 2 else { continue }
                let key = trimSpaces(keyValue[0])
                if key == "q" {
                    // Go ignores the parse error and keeps 0; the value is not trimmed.
                    clause.quality = Double(String(keyValue[1])) ?? 0
                } else {
                    clause.parameters[key] = trimSpaces(keyValue[1])
                }
            }
            clauses.append(clause)
        }
        sortLikeGoautoneg(&clauses)
        return clauses
    }

    /// goautoneg's ordering is not a strict weak order (a concrete type precedes `*/*`
    /// whatever their q-values), so the result depends on the algorithm. Go's sort.Sort
    /// runs insertion sort for up to 12 elements, which covers real Accept headers.
    private static func sortLikeGoautoneg(_ clauses: inout [AcceptClause]) {
        guard clauses.count > 1 else { return }
        for index in 1..<clauses.count {
            var position = index
            while position > 0 && precedes(clauses[position], clauses[position - 1]) {
                clauses.swapAt(position, position - 1)
                position -= 1
            }
        }
    }

    private static func precedes(_ a: AcceptClause, _ b: AcceptClause) -> Bool {
        if a.quality > b.quality { return true }
        if a.type != "*" && b.type == "*" { return true }
        if a.subtype != "*" && b.subtype == "*" { return true }
        return false
    }

    /// Go's `strings.Trim(s, " ")`: spaces only.
    private static func trimSpaces(_ text: Substring) -> String {
        let start = text.firstIndex { $0 != " " } ?? text.endIndex
        let end = text[start...].lastIndex { $0 != " " }.map { text.index(after: $0) } ?? start
        return String(text[start..<end])
    }
}
