import LanternMetrics
import LanternPromQL
import LanternScrape
import NIOPosix
import Testing
@testable import LanternRules

/// The notifier's queue bound, its labels, and alert values as Prometheus' API prints them.
@Suite struct NotifierTests {
    static func alert(_ name: String) -> NotifiedAlert {
        NotifiedAlert(labels: Labels(["alertname": name]), annotations: [:], startsAt: 0, endsAt: 240_000, generatorURL: "http://h:9090/graph")
    }

    /// A full queue drops its oldest alerts and counts them, as Prometheus' notifier does.
    @Test func fullQueueDropsOldestAndCounts() {
        let notifier = AlertmanagerNotifier(client: ScrapeHTTPClient(group: MultiThreadedEventLoopGroup.singleton), capacity: 3, logger: .init(label: "test"))
        notifier.send((1...5).map { Self.alert("A\($0)") })
        #expect(notifier.queueLength == 3)
        #expect(notifier.snapshot.dropped == 2)
        let sink = MetricSink()
        notifier.collect(into: sink)
        var values: [String: Double] = [:]
        for family in sink.families {
            if case .scalar(let value) = family.metrics.first?.value { values[family.name] = value }
        }
        #expect(values["lantern_notifications_dropped_total"] == 2)
        #expect(values["lantern_notifications_queue_length"] == 3)
        #expect(values["lantern_notifications_queue_capacity"] == 3)
    }

    /// External labels are added (never overriding the alert's), and `alert_relabel_configs`
    /// can drop an alert before it is queued.
    @Test func externalLabelsAndRelabelling() throws {
        let notifier = AlertmanagerNotifier(client: ScrapeHTTPClient(group: MultiThreadedEventLoopGroup.singleton), capacity: 10, logger: .init(label: "test"))
        var settings = AlertmanagerNotifier.Settings()
        settings.externalLabels = ["cluster": "eu1", "alertname": "ignored"]
        settings.relabelConfigs = [RelabelConfig(action: .drop, sourceLabels: ["alertname"], regex: try AnchoredRegex("Drop.*"))]
        notifier.apply(settings)
        notifier.send([Self.alert("Keep"), Self.alert("DropMe")])
        #expect(notifier.queueLength == 1)
    }

    /// Alert values in `/api/v1/rules` and `/api/v1/alerts`: Go's shortest 'e' format.
    @Test(arguments: [(1.0, "1e+00"), (5.5, "5.5e+00"), (0.00123, "1.23e-03"), (1_234_567.0, "1.234567e+06"), (-2e-7, "-2e-07"), (0.0, "0e+00"), (Double.infinity, "+Inf")])
    func goExponentFormat(value: Double, text: String) {
        #expect(GoExponent.format(value) == text)
    }
}
