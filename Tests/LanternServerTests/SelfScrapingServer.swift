import Foundation
import LanternTestSupport

/// lantern-server scraping its own `/metrics` every second with 2 s blocks: blocks, WAL
/// segments and samples appear within seconds, without any other process.
enum SelfScrapingServer {
    static func start(in directory: URL, data: String, port: Int, log: String, extra: [String] = []) throws -> Process {
        let config = directory.appendingPathComponent("lantern.yml")
        try """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: self
                static_configs: [{targets: ['127.0.0.1:\(port)']}]

            """.write(to: config, atomically: true, encoding: .utf8)
        return try TestSupport.start(TestSupport.server, [
            "--config.file=\(config.path)", "--storage.tsdb.path=\(data)", "--web.listen-address=127.0.0.1:\(port)",
            "--storage.tsdb.min-block-duration=2s", "--storage.tsdb.max-block-duration=2s",
        ] + extra, log: directory.appendingPathComponent(log))
    }
}
