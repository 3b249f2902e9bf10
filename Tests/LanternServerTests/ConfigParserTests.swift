import Foundation
import Testing
@testable import LanternServer
import LanternScrape

@Suite struct ConfigParserTests {
    @Test func defaultsArePrometheus() throws {
        let config = try ConfigParser.parse("scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['h:1']}]\n")
        #expect(config.global.scrapeInterval == 60_000)
        #expect(config.global.scrapeTimeout == 10_000)
        #expect(config.global.evaluationInterval == 60_000)
        let job = try #require(config.scrapeConfigs.first)
        #expect(job.metricsPath == "/metrics")
        #expect(job.scheme == "http")
        #expect(!job.honorLabels)
        #expect(job.honorTimestamps)
        #expect(job.interval == 60_000 && job.timeout == 10_000)
    }

    @Test func fullSubsetParses() throws {
        let yaml = """
            global:
              scrape_interval: 15s
              external_labels: {region: eu}
            rule_files: ["rules/*.yml"]
            alerting:
              alertmanagers:
                - static_configs: [{targets: ['am:9093']}]
            remote_write:
              - url: http://remote/api/v1/write
                headers: {X-Scope: a}
            scrape_configs:
              - job_name: node
                scrape_interval: 5s
                params:
                  collect[]: [cpu]
                basic_auth: {username: u, password: p}
                honor_labels: true
                sample_limit: 100
                file_sd_configs: [{files: ['targets/*.json']}]
                relabel_configs:
                  - source_labels: [__address__]
                    regex: '(.*):\\d+'
                    target_label: host
                metric_relabel_configs:
                  - action: labeldrop
                    regex: tmp_.*
            """
        let config = try ConfigParser.parse(yaml)
        let job = try #require(config.scrapeConfigs.first)
        #expect(job.interval == 5000 && job.timeout == 5000)
        #expect(job.authorization == "Basic dTpw")
        #expect(job.params == ["collect[]": ["cpu"]])
        #expect(job.sampleLimit == 100 && job.honorLabels)
        #expect(job.relabelConfigs.count == 1 && job.metricRelabelConfigs.first?.action == .labeldrop)
        #expect(config.ruleFiles == ["rules/*.yml"] && config.alerting.targets.map(\.url) == ["http://am:9093/api/v2/alerts"])
        #expect(config.remoteWrite.map(\.endpoint.url) == ["http://remote/api/v1/write"])
    }

    /// Each bad configuration fails with the key path and line of the mistake.
    @Test(arguments: [
        ("global:\n  scrape_intervall: 1m\n", "global.scrape_intervall", 2),
        ("global:\n  scrape_interval: 1x\n", "global.scrape_interval", 2),
        ("global:\n  scrape_interval: 5s\n  scrape_timeout: 10s\n", "global", 2),
        ("scrape_configs:\n  - job_name: a\n    scheme: ftp\n", "scrape_configs[0].scheme", 3),
        ("scrape_configs:\n  - job_name: a\n    tls_config: {ca_file: /nonexistent/ca.pem}\n", "scrape_configs[0].tls_config.ca_file", 3),
        ("scrape_configs:\n  - job_name: a\n    tls_config: {min_version: TLS14}\n", "scrape_configs[0].tls_config.min_version", 3),
        ("scrape_configs:\n  - job_name: a\n    tls_config: {cert_file: /etc/hostname}\n", "scrape_configs[0].tls_config", 3),
        ("scrape_configs:\n  - job_name: a\n    honor_labels: maybe\n", "scrape_configs[0].honor_labels", 3),
        ("scrape_configs:\n  - job_name: a\n  - job_name: a\n", "scrape_configs[1]", 3),
        ("scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: [x]\n        labels: {1bad: v}\n", "scrape_configs[0].static_configs[0].labels.1bad", 5),
        ("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: hashmod\n        target_label: t\n", "scrape_configs[0].relabel_configs[0]", 4),
        ("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: explode\n", "scrape_configs[0].relabel_configs[0].action", 4),
        ("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - regex: '('\n", "scrape_configs[0].relabel_configs[0].regex", 4),
        ("scrape_configs:\n  - job_name: a\n    basic_auth: {username: u}\n    authorization: {credentials: c}\n", "scrape_configs[0].authorization", 4),
        ("scrape_configs:\n  - job_name: a\n    sample_limit: -1\n", "scrape_configs[0].sample_limit", 3),
        ("remote_write:\n  - name: x\n", "remote_write[0]", 2),
        ("alerting:\n  alertmanagers:\n    - api_version: v3\n", "alerting.alertmanagers[0].api_version", 3),
        ("scrape_configs:\n  - job_name: a\n    file_sd_configs: [{files: ['x.txt']}]\n", "scrape_configs[0].file_sd_configs[0].files[0]", 3),
    ] as [(String, String, Int)])
    func rejects(yaml: String, path: String, line: Int) {
        #expect {
            _ = try ConfigParser.parse(yaml)
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.path == path && error.line == line
        }
    }

    @Test func checkConfigCommandReportsLikePromtool() throws {
        let path = "/tmp/lantern-check-\(getpid()).yml"
        try "scrape_configs:\n  - job_name: a\n    bogus: 1\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(CheckConfig.run([path]) == 1)
        try "scrape_configs:\n  - job_name: a\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(CheckConfig.run([path]) == 0)
    }
}
