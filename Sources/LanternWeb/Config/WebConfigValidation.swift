import LanternSupport

/// The checks exporter-toolkit makes before serving, with its messages.
enum WebConfigValidation {
    /// Headers a config may set, and for some the only values allowed (exporter-toolkit
    /// keeps the list fixed so every Prometheus component behaves alike).
    static let allowedHeaders: [String: [String]] = [
        "Strict-Transport-Security": [],
        "X-Content-Type-Options": ["nosniff"],
        "X-Frame-Options": ["deny", "sameorigin"],
        "X-XSS-Protection": [],
        "Content-Security-Policy": [],
    ]

    static func validate(_ config: WebConfig) throws(WebConfigError) {
        for (name, value) in config.http.headers {
            guard let values = allowedHeaders[name] else {
                throw WebConfigError("HTTP header \(goQuote(name)) can not be configured")
            }
            if !values.isEmpty && !values.contains(value) {
                let expected = "[" + values.map(goQuote).joined(separator: " ") + "]"
                throw WebConfigError("invalid value for \(name). Expected one of: \(expected), but got: \(goQuote(value))")
            }
        }
        for user in config.basicAuthUsers.keys.sorted() {
            if let problem = BcryptHash.problem(config.basicAuthUsers[user] ?? "") {
                throw WebConfigError("basic_auth_users: \(user): \(problem)")
            }
        }
        if let tls = config.tls { try validate(tls) }
    }

    private static func validate(_ tls: TLSServerConfig) throws(WebConfigError) {
        if tls.certFile.isEmpty { throw WebConfigError("missing cert_file") }
        if tls.keyFile.isEmpty { throw WebConfigError("missing key_file") }
        if !tls.clientCAFile.isEmpty && tls.clientAuthType == .noClientCert {
            throw WebConfigError("client CA's have been configured without a Client Auth Policy")
        }
        if tls.clientAllowedSANs != nil && !tls.clientAuthType.requiresCertificate {
            throw WebConfigError("client_allowed_sans requires client_auth_type to be one of RequireAnyClientCert or RequireAndVerifyClientCert")
        }
        if tls.minVersion > tls.maxVersion {
            throw WebConfigError("min_version \(tls.minVersion.rawValue) is above max_version \(tls.maxVersion.rawValue)")
        }
    }
}
