import Foundation

/// `tls_config` is validated (keys, referenced files exist) so that configurations written
/// for Prometheus load; it only matters with `scheme: https`, which is rejected until
/// Lantern scrapes over TLS.
enum TLSConfigParser {
    static func validate(_ value: YAMLValue) throws(ConfigError) {
        let fields = try value.mapping(allowed: ["ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify", "min_version", "max_version"])
        for key in ["ca_file", "cert_file", "key_file"] {
            guard let field = fields[key] else { continue }
            let path = try field.string()
            guard FileManager.default.fileExists(atPath: path) else { throw field.error("file \(goQuoted(path)) does not exist") }
        }
        if (fields["cert_file"] == nil) != (fields["key_file"] == nil) {
            throw value.error("exactly one of key or key_file and cert or cert_file must be configured")
        }
        if let skip = fields["insecure_skip_verify"] { _ = try skip.bool() }
        for key in ["min_version", "max_version"] {
            guard let field = fields[key] else { continue }
            guard ["TLS10", "TLS11", "TLS12", "TLS13"].contains(try field.string()) else { throw field.error("unknown TLS version: \(try field.string())") }
        }
    }
}
