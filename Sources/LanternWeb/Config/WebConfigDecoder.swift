import LanternSupport

/// Turns the text of a web config file into a `WebConfig`, strictly: an unknown key is
/// an error naming its line, as go-yaml's `UnmarshalStrict` makes it in exporter-toolkit.
public enum WebConfigDecoder {
    /// `directory` is the config file's own: relative certificate paths are resolved against it.
    public static func decode(_ text: String, directory: String) throws(WebConfigError) -> WebConfig {
        let root: YAMLNode
        do {
            root = try YAMLSubsetParser.parse(text)
        } catch {
            throw WebConfigError(line: error.line, error.message)
        }
        var config = WebConfig()
        for entry in try root.entries(of: "web.Config") {
            switch entry.key {
            case "tls_server_config": config.tls = try tls(entry.value, directory: directory)
            case "http_server_config": config.http = try http(entry.value)
            case "basic_auth_users": config.basicAuthUsers = try users(entry.value)
            case "rate_limit": config.rateLimit = try rateLimit(entry.value)
            default: throw unknownField(entry, in: "web.Config")
            }
        }
        try WebConfigValidation.validate(config)
        return config
    }

    private static func unknownField(_ entry: YAMLNode.Entry, in type: String) -> WebConfigError {
        WebConfigError(line: entry.keyLine, "field \(entry.key) not found in type \(type)")
    }

    /// nil when the section configures nothing that turns TLS on.
    private static func tls(_ node: YAMLNode, directory: String) throws(WebConfigError) -> TLSServerConfig? {
        var tls = TLSServerConfig()
        var clientAuth = ""
        for entry in try node.entries(of: "web.TLSConfig") {
            let value = entry.value
            switch entry.key {
            case "cert_file": tls.certFile = joined(directory, try value.string())
            case "key_file": tls.keyFile = joined(directory, try value.string())
            case "client_ca_file": tls.clientCAFile = joined(directory, try value.string())
            case "client_auth_type": clientAuth = try value.string()
            case "client_allowed_sans": tls.clientAllowedSANs = try value.strings()
            case "min_version": tls.minVersion = try version(value)
            case "max_version": tls.maxVersion = try version(value)
            case "cipher_suites": tls.cipherSuites = try names(value, TLSNames.cipherSuites, kind: "cipher")
            case "curve_preferences": tls.curvePreferences = try names(value, TLSNames.curves, kind: "curve")
            case "prefer_server_cipher_suites": tls.preferServerCipherSuites = try value.bool()
            default: throw unknownField(entry, in: "web.TLSConfig")
            }
        }
        if tls.certFile.isEmpty && tls.keyFile.isEmpty && tls.clientCAFile.isEmpty && clientAuth.isEmpty { return nil }
        guard let type = ClientAuthType(fileValue: clientAuth) else {
            throw WebConfigError("invalid ClientAuth: \(clientAuth)")
        }
        tls.clientAuthType = type
        return tls
    }

    private static func version(_ node: YAMLNode) throws(WebConfigError) -> TLSProtocolVersion {
        let text = try node.string()
        guard let version = TLSProtocolVersion(rawValue: text) else {
            throw WebConfigError(line: node.line, "unknown TLS version: \(text)")
        }
        return version
    }

    private static func names(_ node: YAMLNode, _ table: [String: UInt16], kind: String) throws(WebConfigError) -> [UInt16] {
        _ = try node.strings()  // refuses anything but a list of scalars, in go-yaml's words
        guard case .sequence(let items) = node.kind else { return [] }
        var codes: [UInt16] = []
        for item in items {
            let name = try item.string()
            guard let code = table[name] else { throw WebConfigError(line: item.line, "unknown \(kind): \(name)") }
            codes.append(code)
        }
        return codes
    }

    private static func http(_ node: YAMLNode) throws(WebConfigError) -> HTTPServerConfig {
        var http = HTTPServerConfig()
        for entry in try node.entries(of: "web.HTTPConfig") {
            switch entry.key {
            case "http2": http.http2 = try entry.value.bool()
            case "headers":
                for header in try entry.value.entries(of: "map[string]string") {
                    http.headers.append((header.key, try header.value.string()))
                }
            default: throw unknownField(entry, in: "web.HTTPConfig")
            }
        }
        return http
    }

    private static func users(_ node: YAMLNode) throws(WebConfigError) -> [String: String] {
        var users: [String: String] = [:]
        for entry in try node.entries(of: "map[string]config.Secret") {
            users[entry.key] = try entry.value.string()
        }
        return users
    }

    private static func rateLimit(_ node: YAMLNode) throws(WebConfigError) -> RateLimitConfig {
        var limit = RateLimitConfig()
        for entry in try node.entries(of: "web.RateLimiterConfig") {
            switch entry.key {
            case "interval": limit.intervalNanoseconds = try entry.value.durationNanoseconds()
            case "burst": limit.burst = try entry.value.int()
            default: throw unknownField(entry, in: "web.RateLimiterConfig")
            }
        }
        return limit
    }

    /// Prometheus' `config.JoinDir`: relative paths are taken from the config file's directory.
    static func joined(_ directory: String, _ path: String) -> String {
        if path.isEmpty || path.hasPrefix("/") { return path }
        return directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }
}
