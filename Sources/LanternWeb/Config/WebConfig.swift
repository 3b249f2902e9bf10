/// exporter-toolkit's web configuration file (`--web.config.file`), key for key.
/// Relative file paths are already resolved against the file's directory.
public struct WebConfig: Sendable, Equatable {
    public var tls: TLSServerConfig?
    public var http = HTTPServerConfig()
    /// User name to bcrypt hash.
    public var basicAuthUsers: [String: String] = [:]
    public var rateLimit: RateLimitConfig?

    public init() {}
}

/// `tls_server_config`; present only when it names a certificate, key, client CA or client auth type
/// (an empty section leaves TLS off, as exporter-toolkit does).
public struct TLSServerConfig: Sendable, Equatable {
    public var certFile = ""
    public var keyFile = ""
    public var clientAuthType = ClientAuthType.noClientCert
    public var clientCAFile = ""
    /// nil when the key is absent: an empty list still demands a matching SAN (none can match).
    public var clientAllowedSANs: [String]?
    public var minVersion = TLSProtocolVersion.tls12
    public var maxVersion = TLSProtocolVersion.tls13
    /// IANA code points, in the file's order; empty means the library's defaults.
    public var cipherSuites: [UInt16] = []
    /// IANA named-group code points, in the file's order; empty means the library's defaults.
    public var curvePreferences: [UInt16] = []
    public var preferServerCipherSuites = true

    public init() {}
}

/// Go's `tls.ClientAuthType` names as exporter-toolkit spells them in the file.
public enum ClientAuthType: String, Sendable, CaseIterable {
    case noClientCert = "NoClientCert"
    case requestClientCert = "RequestClientCert"
    case requireAnyClientCert = "RequireAnyClientCert"
    case verifyClientCertIfGiven = "VerifyClientCertIfGiven"
    case requireAndVerifyClientCert = "RequireAndVerifyClientCert"

    /// Accepts the file's spellings: also `RequireClientCert` (kept by exporter-toolkit for old files) and empty.
    init?(fileValue: String) {
        switch fileValue {
        case "": self = .noClientCert
        case "RequireClientCert": self = .requireAnyClientCert
        default: self.init(rawValue: fileValue)
        }
    }

    var requiresCertificate: Bool { self == .requireAnyClientCert || self == .requireAndVerifyClientCert }
}

public enum TLSProtocolVersion: String, Sendable, CaseIterable, Comparable {
    case tls10 = "TLS10"
    case tls11 = "TLS11"
    case tls12 = "TLS12"
    case tls13 = "TLS13"

    private var ordinal: Int {
        switch self {
        case .tls10: 0
        case .tls11: 1
        case .tls12: 2
        case .tls13: 3
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.ordinal < rhs.ordinal }
}

/// `http_server_config`.
public struct HTTPServerConfig: Sendable, Equatable {
    /// Accepted and logged; Lantern speaks HTTP/1.1 only (docs/security.md).
    public var http2 = true
    /// Header name to value, added to every response except 429s.
    public var headers: [(name: String, value: String)] = []

    public init() {}

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.http2 == rhs.http2 && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}

/// `rate_limit`: a token bucket refilled one token per `interval`, holding at most `burst`.
public struct RateLimitConfig: Sendable, Equatable {
    public var intervalNanoseconds: Int64 = 0
    public var burst = 0

    public init() {}
}
