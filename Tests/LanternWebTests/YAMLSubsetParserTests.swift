import LanternWeb
import Testing

/// Compact rendering of a node for comparisons: scalars as text (quoted ones in
/// quotes), null as `~`, mappings as `{k: v, ...}`, sequences as `[a, b]`.
private func render(_ node: YAMLNode) -> String {
    switch node.kind {
    case .null: return "~"
    case .scalar(let text, let quoted): return quoted ? "\"\(text)\"" : text
    case .mapping(let entries): return "{" + entries.map { "\($0.key): \(render($0.value))" }.joined(separator: ", ") + "}"
    case .sequence(let items): return "[" + items.map(render).joined(separator: ", ") + "]"
    }
}

private func parsed(_ text: String) throws -> String { render(try YAMLSubsetParser.parse(text)) }

@Suite("YAML subset")
struct YAMLSubsetParserTests {
    @Test func webConfigShapedDocument() throws {
        let text = """
        # exporter-toolkit web config
        tls_server_config:
          cert_file: /etc/lantern/server.crt   # the chain
          key_file: "/etc/lantern/server.key"
          client_auth_type: RequireAndVerifyClientCert
          cipher_suites:
            - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
            - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
          curve_preferences: [X25519, CurveP256]
          min_version: TLS12
        http_server_config:
          http2: false
          headers:
            X-Frame-Options: deny
            Content-Security-Policy: "default-src 'self'"
        basic_auth_users:
          alice: $2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi
          'bob smith': '$2b$12$it''s'
        rate_limit:
          interval: 1s
          burst: 2
        """
        #expect(try parsed(text) == """
        {tls_server_config: {cert_file: /etc/lantern/server.crt, key_file: "/etc/lantern/server.key", \
        client_auth_type: RequireAndVerifyClientCert, cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, \
        TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384], curve_preferences: [X25519, CurveP256], min_version: TLS12}, \
        http_server_config: {http2: false, headers: {X-Frame-Options: deny, Content-Security-Policy: "default-src 'self'"}}, \
        basic_auth_users: {alice: $2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi, bob smith: "$2b$12$it's"}, \
        rate_limit: {interval: 1s, burst: 2}}
        """)
    }

    @Test func sequencesOfMappingsAndSameIndentSequences() throws {
        let text = """
        scrape_configs:
        - job_name: node
          static_configs:
            - targets: ['a:9100', "b:9100"]
              labels: {env: prod, team: "core"}
        - job_name: empty
          params:
        """
        #expect(try parsed(text) == """
        {scrape_configs: [{job_name: node, static_configs: [{targets: ["a:9100", "b:9100"], labels: {env: prod, team: "core"}}]}, \
        {job_name: empty, params: ~}]}
        """)
    }

    @Test func scalarsAndNulls() throws {
        #expect(try parsed("a: ~\nb: null\nc:\nd: ''\ne: \"x\\ty\\u00e9\"") == "{a: ~, b: ~, c: ~, d: \"\", e: \"x\tyé\"}")
        #expect(try parsed("") == "~")
        #expect(try parsed("# only a comment\n") == "~")
        #expect(try parsed("---\nkey: value\n...\nignored") == "{key: value}")
        #expect(try parsed("url: http://host:9090/path#frag") == "{url: http://host:9090/path#frag}")
        #expect(try parsed("- a\n-\n- [ ]\n- {}") == "[a, ~, [], {}]")
    }

    @Test(arguments: [
        ("a: 1\na: 2", 2, 1, "mapping key \"a\" already defined"),
        ("a:\n\tb: 1", 2, 1, "found a tab character where indentation is expected"),
        ("a: &anchor 1", 1, 4, "YAML anchors are not supported in this file"),
        ("a: *anchor", 1, 4, "YAML aliases are not supported in this file"),
        ("a: !!str 1", 1, 4, "YAML tags are not supported in this file"),
        ("a: |\n  text", 1, 4, "YAML block scalars are not supported in this file"),
        ("a: [1, 2", 1, 9, "flow sequence not closed on this line (multi-line flow collections are not supported)"),
        ("a: \"open", 1, 4, "found unexpected end of line while scanning a quoted scalar (multi-line scalars are not supported)"),
        ("a: 1\n  b: 2", 2, 3, "mapping values are not allowed in this context (bad indentation)"),
        ("a:\n  b: 1\n c: 2", 3, 2, "mapping values are not allowed in this context (bad indentation)"),
        ("just text\nmore: 1", 1, 1, "could not find expected ':'"),
        ("a: \"bad \\q escape\"", 1, 9, "unknown escape character \"q\" in double-quoted scalar"),
        ("---\na: 1\n---\nb: 2", 3, 1, "several YAML documents in one file are not supported"),
    ])
    func errorsHavePositions(text: String, line: Int, column: Int, message: String) {
        #expect(throws: YAMLError(line: line, column: column, message: message)) { try YAMLSubsetParser.parse(text) }
    }
}
