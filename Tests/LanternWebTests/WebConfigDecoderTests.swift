@testable import LanternWeb
import Testing

/// Files shaped like exporter-toolkit's own test configs (written anew here).
@Suite("web config file")
struct WebConfigDecoderTests {
    private func decode(_ text: String) throws(WebConfigError) -> WebConfig {
        try WebConfigDecoder.decode(text, directory: "/etc/lantern")
    }

    private func refusal(_ text: String) -> String? {
        do {
            _ = try decode(text)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func everyKeyIsRead() throws {
        let config = try decode("""
        tls_server_config:
          cert_file: server.crt
          key_file: /keys/server.key
          client_auth_type: RequireAndVerifyClientCert
          client_ca_file: ca.crt
          client_allowed_sans: [prometheus.example.org, 10.0.0.1]
          min_version: TLS13
          max_version: TLS13
          cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256]
          curve_preferences: [X25519, CurveP521]
          prefer_server_cipher_suites: false
        http_server_config:
          http2: false
          headers:
            X-Frame-Options: deny
            Strict-Transport-Security: max-age=31536000
        basic_auth_users:
          alice: $2y$04$DiKTKzHsW9BabfsAgnAJc.xY27Ts/D98KoET3R0hAts8maoykQpLm
        rate_limit:
          interval: 500ms
          burst: 2
        """)
        let tls = try #require(config.tls)
        #expect(tls.certFile == "/etc/lantern/server.crt")
        #expect(tls.keyFile == "/keys/server.key")
        #expect(tls.clientCAFile == "/etc/lantern/ca.crt")
        #expect(tls.clientAuthType == .requireAndVerifyClientCert)
        #expect(tls.clientAllowedSANs == ["prometheus.example.org", "10.0.0.1"])
        #expect(tls.minVersion == .tls13 && tls.maxVersion == .tls13)
        #expect(tls.cipherSuites == [0xC02F, 0x1301])
        #expect(tls.curvePreferences == [0x1D, 0x19])
        #expect(tls.preferServerCipherSuites == false)
        #expect(config.http.http2 == false)
        #expect(config.http.headers.map(\.name) == ["X-Frame-Options", "Strict-Transport-Security"])
        #expect(config.basicAuthUsers["alice"]?.hasPrefix("$2y$04$") == true)
        #expect(config.rateLimit?.intervalNanoseconds == 500_000_000)
        #expect(config.rateLimit?.burst == 2)
    }

    @Test func spacesBeforeColonsAndQuotedValuesAsInExporterToolkitsTestFiles() throws {
        let config = try decode("""
        tls_server_config :
          cert_file : "tls.crt"
          key_file : "tls.key"
          client_auth_type : "VerifyClientCertIfGiven"
          curve_preferences:
            - CurveP384
            - X25519
        """)
        #expect(config.tls?.certFile == "/etc/lantern/tls.crt")
        #expect(config.tls?.clientAuthType == .verifyClientCertIfGiven)
        #expect(config.tls?.curvePreferences == [0x18, 0x1D])
    }

    @Test func defaultsAreExporterToolkits() throws {
        let config = try decode("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n")
        let tls = try #require(config.tls)
        #expect(tls.minVersion == .tls12 && tls.maxVersion == .tls13)
        #expect(tls.clientAuthType == .noClientCert)
        #expect(tls.preferServerCipherSuites)
        #expect(config.http.http2)
        #expect(config.rateLimit == nil)
    }

    @Test func anEmptyFileOrSectionLeavesTLSOff() throws {
        #expect(try decode("").tls == nil)
        #expect(try decode("tls_server_config: {}\nbasic_auth_users: {}\n").tls == nil)
    }

    @Test(arguments: [
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  cert_flie: c\n", "line 4: field cert_flie not found in type web.TLSConfig"),
        ("tls_config:\n  cert_file: a\n", "line 1: field tls_config not found in type web.Config"),
        ("http_server_config:\n  http3: true\n", "line 2: field http3 not found in type web.HTTPConfig"),
        ("rate_limit:\n  interval: 1s\n  bucket: 2\n", "line 3: field bucket not found in type web.RateLimiterConfig"),
        ("http_server_config:\n  http2: maybe\n", "line 2: cannot unmarshal !!str `maybe` into bool"),
        ("rate_limit:\n  burst: [1]\n", "line 2: cannot unmarshal !!seq into int"),
        ("rate_limit:\n  interval: soon\n", "line 2: time: invalid duration \"soon\""),
    ])
    func unknownKeysAndWrongTypesNameTheirLine(text: String, message: String) {
        #expect(refusal(text) == message)
    }

    @Test(arguments: [
        ("tls_server_config:\n  key_file: a.key\n", "missing cert_file"),
        ("tls_server_config:\n  cert_file: a.crt\n", "missing key_file"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireSomething\n", "invalid ClientAuth: RequireSomething"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: ca\n", "client CA's have been configured without a Client Auth Policy"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: ca\n  client_allowed_sans: [x]\n",
         "client_allowed_sans requires client_auth_type to be one of RequireAnyClientCert or RequireAndVerifyClientCert"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS14\n", "line 4: unknown TLS version: TLS14"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n", "line 4: unknown cipher: TLS_RSA_WITH_RC4_128_SHA"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  curve_preferences:\n    - CurveP257\n", "line 5: unknown curve: CurveP257"),
        ("http_server_config:\n  headers:\n    Server: lantern\n", "HTTP header \"Server\" can not be configured"),
        ("http_server_config:\n  headers:\n    X-Frame-Options: allow\n",
         "invalid value for X-Frame-Options. Expected one of: [\"deny\" \"sameorigin\"], but got: \"allow\""),
        ("http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n",
         "invalid value for X-Content-Type-Options. Expected one of: [\"nosniff\"], but got: \"sniff\""),
    ])
    func exporterToolkitsValidationMessages(text: String, message: String) {
        #expect(refusal(text) == message)
    }

    @Test func oldRequireClientCertSpellingStillMeansRequireAny() throws {
        let config = try decode("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireClientCert\n")
        #expect(config.tls?.clientAuthType == .requireAnyClientCert)
    }

    @Test func everyClientAuthTypeIsAccepted() throws {
        for type in ClientAuthType.allCases {
            // NoClientCert with a client CA is refused (tested above).
            let ca = type == .noClientCert ? "" : "  client_ca_file: ca\n"
            let config = try decode("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: \(type.rawValue)\n" + ca)
            #expect(config.tls?.clientAuthType == type)
        }
    }

    @Test(arguments: [
        ("notahash", "crypto/bcrypt: hashedSecret too short to be a bcrypted password"),
        ("x2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi", "crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with 'x'"),
        ("$3y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi", "crypto/bcrypt: bcrypt algorithm version '3' requested is newer than current version '2'"),
        ("$2y$03$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi", "crypto/bcrypt: cost 3 is outside allowed range (4,31)"),
        ("$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeS!", "crypto/bcrypt: hashedSecret is not 53 characters of bcrypt's base64 after the cost"),
    ])
    func invalidBcryptHashesAreRefused(hash: String, message: String) {
        #expect(refusal("basic_auth_users:\n  bob: '\(hash)'\n") == "basic_auth_users: bob: \(message)")
    }
}
