import Foundation

/// `basic_auth` and `authorization` of a scrape config, turned into the `Authorization`
/// header value. Credential files are read when the configuration is loaded (a reload
/// picks up a changed file).
enum AuthorizationParser {
    static func header(basicAuth: YAMLValue?, authorization: YAMLValue?) throws(ConfigError) -> String? {
        if let basicAuth, let authorization, !basicAuth.isNull, !authorization.isNull {
            throw authorization.error("at most one of basic_auth, oauth2, bearer_token & bearer_token_file, authorization must be configured")
        }
        if let basicAuth, !basicAuth.isNull {
            let fields = try basicAuth.mapping(allowed: ["username", "password", "password_file"])
            let username = try fields["username"]?.string() ?? ""
            let password = try secret(fields["password"], file: fields["password_file"], within: basicAuth, names: "password & password_file")
            return "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        }
        if let authorization, !authorization.isNull {
            let fields = try authorization.mapping(allowed: ["type", "credentials", "credentials_file"])
            let type = try fields["type"]?.string() ?? "Bearer"
            guard type.lowercased() != "basic" else {
                throw authorization.error("authorization type cannot be set to \"basic\", use \"basic_auth\" instead")
            }
            let credentials = try secret(fields["credentials"], file: fields["credentials_file"], within: authorization, names: "credentials & credentials_file")
            return type + " " + credentials
        }
        return nil
    }

    private static func secret(_ inline: YAMLValue?, file: YAMLValue?, within parent: YAMLValue, names: String) throws(ConfigError) -> String {
        if inline != nil && file != nil { throw parent.error("at most one of \(names) must be configured") }
        if let file {
            let path = try file.string()
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else { throw file.error("unable to read file \(path)") }
            return contents.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return try inline?.string() ?? ""
    }
}
