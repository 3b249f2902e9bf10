import Foundation
import LanternScrape

/// `tls_config` of scrape configs (and of remote write and alerting): keys, referenced
/// files that must exist, versions; `parse` gives the settings the HTTPS client uses.
enum TLSConfigParser {
    static func parse(_ value: YAMLValue) throws(ConfigError) -> TLSClientSettings {
        let fields = try value.mapping(allowed: ["ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify", "min_version", "max_version"])
        var settings = TLSClientSettings()
        for key in ["ca_file", "cert_file", "key_file"] {
            guard let field = fields[key] else { continue }
            let path = try field.string()
            guard FileManager.default.fileExists(atPath: path) else { throw field.error("file \(goQuoted(path)) does not exist") }
            switch key {
            case "ca_file": settings.caFile = path
            case "cert_file": settings.certFile = path
            default: settings.keyFile = path
            }
        }
        if (fields["cert_file"] == nil) != (fields["key_file"] == nil) {
            throw value.error("exactly one of key or key_file and cert or cert_file must be configured")
        }
        if let name = fields["server_name"] { settings.serverName = try name.string() }
        if let skip = fields["insecure_skip_verify"] { settings.insecureSkipVerify = try skip.bool() }
        if let field = fields["min_version"] { settings.minVersion = try version(field) }
        if let field = fields["max_version"] { settings.maxVersion = try version(field) }
        return settings
    }

    private static func version(_ field: YAMLValue) throws(ConfigError) -> TLSClientSettings.Version {
        let name = try field.string()
        guard let version = TLSClientSettings.Version(rawValue: name) else { throw field.error("unknown TLS version: \(name)") }
        return version
    }
}
