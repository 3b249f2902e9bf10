import LanternMetrics
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

private let gauge = MetricDescriptor(name: "test_value", help: "A test value.", type: .gauge, labels: ["source"])

private struct ConstantCollector: Collector {
    let source: String
    let value: Double
    func collect(into sink: MetricSink) throws { sink.add(gauge, value, source) }
}

private struct ThrowingCollector: Collector {
    func collect(into sink: MetricSink) throws {
        sink.add(gauge, 1, "thrower")
        throw CollectorError("cannot read /proc/nothing: no such file")
    }
}

private struct SilentCollector: Collector {
    func collect(into sink: MetricSink) throws {}
}

/// Blocks in a real blocking call (read on a pipe nobody writes) until released.
private final class BlockingCollector: Collector {
    let pipe: (read: Int32, write: Int32)
    let calls = Atomic<Int>(0)

    init() {
        var fds: [Int32] = [0, 0]
        _ = fds.withUnsafeMutableBufferPointer { Glibc.pipe($0.baseAddress!) }
        pipe = (fds[0], fds[1])
    }

    func collect(into sink: MetricSink) throws {
        calls.add(1, ordering: .relaxed)
        var byte: UInt8 = 0
        _ = read(pipe.read, &byte, 1)
        sink.add(gauge, 99, "blocker")
    }

    func release() {
        var byte: UInt8 = 1
        _ = write(pipe.write, &byte, 1)
    }
}

@Suite("Registry")
struct RegistryTests {
    @Test func sortsFamiliesAndSeriesAndAddsScrapeMetrics() {
        let registry = Registry(collectors: [
            NamedCollector(name: "b", collector: ConstantCollector(source: "zeta", value: 2)),
            NamedCollector(name: "a", collector: ConstantCollector(source: "alpha", value: 1)),
        ])
        let gathered = registry.gather()
        #expect(gathered.families.map(\.name) == [
            "node_scrape_collector_duration_seconds", "node_scrape_collector_success", "test_value",
        ])
        let values = gathered.families[2].metrics.map(\.labels)
        #expect(values == [[Label("source", "alpha")], [Label("source", "zeta")]])
        let success = gathered.families[1]
        #expect(success.help == "node_exporter: Whether a collector succeeded.")
        #expect(success.metrics.map(\.labels) == [[Label("collector", "a")], [Label("collector", "b")]])
        #expect(success.metrics.allSatisfy { $0.value == .scalar(1) })
    }

    @Test func throwingCollectorFailsAloneAndKeepsWhatItAdded() {
        let registry = Registry(collectors: [
            NamedCollector(name: "bad", collector: ThrowingCollector()),
            NamedCollector(name: "good", collector: ConstantCollector(source: "good", value: 3)),
        ])
        let gathered = registry.gather()
        let bad = gathered.outcomes.first { $0.name == "bad" }
        #expect(bad?.status == .failed("cannot read /proc/nothing: no such file"))
        #expect(gathered.outcomes.first { $0.name == "good" }?.succeeded == true)
        let success = gathered.families.first { $0.name == "node_scrape_collector_success" }
        #expect(success?.metrics.map(\.value) == [.scalar(0), .scalar(1)])
        // Like node_exporter, what a failing collector sent before failing is exposed.
        let test = gathered.families.first { $0.name == "test_value" }
        #expect(test?.metrics.count == 2)
    }

    @Test func collectorWithNothingToReportSucceeds() {
        let registry = Registry(collectors: [NamedCollector(name: "absent", collector: SilentCollector())])
        let gathered = registry.gather()
        #expect(gathered.outcomes.map(\.name) == ["absent"])
        #expect(gathered.outcomes.first?.status == .succeeded)
    }

    @Test func hungCollectorTimesOutWithoutHoldingTheScrape() {
        let blocker = BlockingCollector()
        defer { blocker.release() }
        let registry = Registry(
            collectors: [
                NamedCollector(name: "hung", collector: blocker),
                NamedCollector(name: "fine", collector: ConstantCollector(source: "fine", value: 1)),
            ],
            timeoutSeconds: 0.3)
        let first = registry.gather()
        #expect(first.outcomes.first { $0.name == "hung" }?.status == .timedOut)
        #expect(first.outcomes.first { $0.name == "fine" }?.succeeded == true)
        let success = first.families.first { $0.name == "node_scrape_collector_success" }
        #expect(success?.metrics.map(\.value) == [.scalar(1), .scalar(0)])
        #expect(first.families.first { $0.name == "test_value" }?.metrics.map(\.labels) == [[Label("source", "fine")]])

        // The hung run still holds its thread: the next scrape does not start a second one.
        let second = registry.gather()
        #expect(second.outcomes.first { $0.name == "hung" }?.status == .stillRunning)
        #expect(blocker.calls.load(ordering: .relaxed) == 1)
    }

    @Test func aHungCollectorHoldsOneRunnerWhileTheOthersRunTheRest() {
        let blocker = BlockingCollector()
        defer { blocker.release() }
        let fine = (0..<10).map { NamedCollector(name: "fine\($0)", collector: ConstantCollector(source: "fine\($0)", value: 1)) }
        let registry = Registry(
            collectors: [NamedCollector(name: "hung", collector: blocker)] + fine, timeoutSeconds: 0.5, parallelism: 2)
        let gathered = registry.gather()
        #expect(gathered.outcomes.first { $0.name == "hung" }?.status == .timedOut)
        #expect(gathered.outcomes.filter(\.succeeded).count == 10)
        #expect(gathered.families.first { $0.name == "test_value" }?.metrics.count == 10)
    }

    @Test func timeoutOverrideShortensTheDeadline() {
        let blocker = BlockingCollector()
        defer { blocker.release() }
        let registry = Registry(collectors: [NamedCollector(name: "hung", collector: blocker)], timeoutSeconds: 3600)
        let gathered = registry.gather(timeoutOverride: 0.2)
        #expect(gathered.outcomes.first?.status == .timedOut)
    }

    @Test func filterRunsOnlyTheNamedCollectors() {
        let registry = Registry(collectors: [
            NamedCollector(name: "a", collector: ConstantCollector(source: "a", value: 1)),
            NamedCollector(name: "b", collector: ConstantCollector(source: "b", value: 2)),
        ])
        let gathered = registry.gather(only: ["b"])
        #expect(gathered.outcomes.map(\.name) == ["b"])
    }

    @Test func unreportedCollectorsAreMergedWithoutScrapeSeries() {
        let registry = Registry(collectors: [NamedCollector(name: "a", collector: ConstantCollector(source: "a", value: 1))])
        let gathered = registry.gather(unreported: [ConstantCollector(source: "self", value: 2), ThrowingCollector()])
        let test = gathered.families.first { $0.name == "test_value" }
        #expect(test?.metrics.map(\.labels) == [[Label("source", "a")], [Label("source", "self")], [Label("source", "thrower")]])
        #expect(gathered.outcomes.map(\.name) == ["a"])
        let success = gathered.families.first { $0.name == "node_scrape_collector_success" }
        #expect(success?.metrics.map(\.labels) == [[Label("collector", "a")]])
        #expect(gathered.problems == ["cannot read /proc/nothing: no such file"])
    }

    @Test func mergeDropsDuplicatesAndConflictingHelp() {
        let first = MetricFamily(name: "x", help: "one", type: .gauge, metrics: [Metric(labels: [Label("a", "1")], value: .scalar(1))])
        let duplicate = MetricFamily(name: "x", help: "one", type: .gauge, metrics: [Metric(labels: [Label("a", "1")], value: .scalar(2))])
        let conflicting = MetricFamily(name: "x", help: "two", type: .gauge, metrics: [Metric(labels: [Label("a", "2")], value: .scalar(3))])
        var problems: [String] = []
        let merged = Registry.merge([[first], [duplicate], [conflicting]], problems: &problems)
        #expect(merged.count == 1)
        #expect(merged[0].metrics.map(\.value) == [.scalar(1)])
        #expect(problems.count == 2)
        #expect(problems.contains("collected metric x has help \"two\" but should have \"one\""))
    }

    @Test func seriesSortByteWiseLikeGo() {
        // Go compares strings byte-wise: "Z" (0x5A) sorts before "a" (0x61), and "é" after "z".
        var family = MetricFamily(name: "x", help: "h", type: .gauge, metrics: ["é", "a", "Z", "z"].map {
            Metric(labels: [Label("v", $0)], value: .scalar(0))
        })
        family.sortMetrics()
        #expect(family.metrics.map { $0.labels[0].value } == ["Z", "a", "z", "é"])
    }

    @Test func descriptorSortsConstAndVariableLabelsByName() {
        let descriptor = MetricDescriptor(name: "d", help: "h", type: .gauge, labels: ["zone", "cpu"], constLabels: [Label("mode", "idle")])
        #expect(descriptor.labels(["z1", "0"]) == [Label("cpu", "0"), Label("mode", "idle"), Label("zone", "z1")])
        #expect(descriptor.labels(["only-one"]) == nil)
    }

    @Test func wrongLabelCountIsReportedNotFatal() {
        let sink = MetricSink()
        sink.add(gauge, 1, labelValues: ["a", "b"])
        #expect(sink.families.isEmpty)
        #expect(sink.problems == ["test_value: expected 1 label values, got 2"])
    }
}
