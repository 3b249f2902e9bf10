import Foundation
@testable import LanternCollectors
import LanternMetrics
import Testing

/// Collectors facing a bus that takes their call and never answers.
@Suite struct HungBusTests {
    @Test func aSystemdThatNeverAnswersFailsTheScrapeAfterOneTimeout() throws {
        let bus = try PrivateBus()
        try bus.startSilentService(owning: "org.freedesktop.systemd1")
        var options = SystemdCollector.Options()
        options.endpoint = .bus(address: bus.address)
        options.timeout = 0.5
        let collector = try SystemdCollector(options: options, logger: testLogger)
        let registry = Registry(collectors: [NamedCollector(name: "systemd", collector: collector)], timeoutSeconds: 10)
        let started = Date()
        let outcome = try #require(registry.gather().outcomes.first)
        let elapsed = Date().timeIntervalSince(started)
        #expect(!outcome.succeeded)
        if case .failed(let message) = outcome.status {
            #expect(message.contains("org.freedesktop.DBus.Error.Timeout"), "\(message)")
        }
        #expect(elapsed >= 0.4 && elapsed < 3, "took \(elapsed) s")
    }

    @Test func aLogindThatNeverAnswersFailsTheScrapeAfterOneTimeout() throws {
        let bus = try PrivateBus()
        try bus.startSilentService(owning: "org.freedesktop.login1")
        var options = LogindCollector.Options()
        options.endpoint = .bus(address: bus.address)
        options.timeout = 0.5
        let started = Date()
        #expect(throws: CollectorError.self) { try LogindCollector(options: options, logger: testLogger).collect(into: MetricSink()) }
        #expect(Date().timeIntervalSince(started) < 3)
    }
}
