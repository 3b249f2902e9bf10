@testable import LanternMetrics
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

/// Waits until `parties` runs are inside `collect` at once (or 5 s pass), then reports
/// how many it saw.
private final class GateCollector: Collector {
    let parties: Int
    let inside = Atomic<Int>(0)

    init(parties: Int) { self.parties = parties }

    func collect(into sink: MetricSink) throws {
        inside.add(1, ordering: .relaxed)
        for _ in 0..<5000 where inside.load(ordering: .relaxed) < parties { usleep(1000) }
        sink.add(gauge, Double(inside.load(ordering: .relaxed)), "gate")
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

    @Test func aRunnerIsAddedWhenEveryRunnerIsHeld() {
        let blockers = [BlockingCollector(), BlockingCollector()]
        defer { blockers.forEach { $0.release() } }
        let fine = (0..<5).map { NamedCollector(name: "fine\($0)", collector: ConstantCollector(source: "fine\($0)", value: 1)) }
        let hung = blockers.enumerated().map { NamedCollector(name: "hung\($0.offset)", collector: $0.element) }
        let registry = Registry(collectors: hung + fine, timeoutSeconds: 2, parallelism: 2)
        let gathered = registry.gather()
        #expect(gathered.outcomes.filter { $0.status == .timedOut }.map(\.name) == ["hung0", "hung1"])
        #expect(gathered.outcomes.filter(\.succeeded).count == 5)
        #expect(gathered.families.first { $0.name == "test_value" }?.metrics.count == 5)
    }

    @Test func theLastRunnerEndsAGatherNobodyChecks() async {
        let registry = Registry(collectors: (0..<6).map {
            NamedCollector(name: "c\($0)", collector: ConstantCollector(source: "c\($0)", value: 1))
        }, parallelism: 2)
        // No check() call: the runner that finishes the last collector runs the completion.
        let gathered = await withCheckedContinuation { continuation in
            _ = registry.startGather { continuation.resume(returning: $0) }
        }
        #expect(gathered.outcomes.map(\.name) == (0..<6).map { "c\($0)" })
        #expect(gathered.outcomes.filter(\.succeeded).count == 6)
        #expect(gathered.families.first { $0.name == "test_value" }?.metrics.count == 6)
    }

    @Test func concurrentGathersEachRunEveryCollector() async {
        // Each run waits (up to 5 s) until both gathers are inside the collector at once;
        // a gather that skipped it as still running would report it as such.
        let gate = GateCollector(parties: 2)
        let registry = Registry(collectors: [NamedCollector(name: "gate", collector: gate)])
        async let first = withCheckedContinuation { continuation in
            _ = registry.startGather { continuation.resume(returning: $0) }
        }
        async let second = withCheckedContinuation { continuation in
            _ = registry.startGather { continuation.resume(returning: $0) }
        }
        let both = await [first, second]
        #expect(both.map { $0.outcomes.first?.status } == [.succeeded, .succeeded])
        #expect(both.map { $0.families.first { $0.name == "test_value" }?.metrics.first?.value } == [.scalar(2), .scalar(2)])
    }

    @Test func aCheckAtTheDeadlineEndsAGatherAHungCollectorHolds() {
        let blocker = BlockingCollector()
        defer { blocker.release() }
        let registry = Registry(collectors: [
            NamedCollector(name: "hung", collector: blocker),
            NamedCollector(name: "fine", collector: ConstantCollector(source: "fine", value: 1)),
        ], timeoutSeconds: 0.2)
        let result = Mutex<Gathered?>(nil)
        let gathering = registry.startGather { gathered in result.withLock { $0 = gathered } }
        var checks = 0
        while let wait = gathering.check() {
            #expect(wait <= 200_000_000)
            usleep(UInt32(wait / 1000) + 1)
            checks += 1
        }
        #expect(checks >= 1)
        #expect(gathering.hasEnded)
        let gathered = result.withLock { $0 }
        #expect(gathered?.outcomes.map(\.status) == [.timedOut, .succeeded])
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

/// What a scrape reuses from the one before: the merge's family order, the encoder's
/// HELP/TYPE lines, the sink's family lookups. Reused or not, the output is the same.
@Suite struct ScrapeReuseTests {
    func family(_ name: String, help: String = "h", _ values: [String]) -> MetricFamily {
        MetricFamily(name: name, help: help, type: .gauge, metrics: values.map { Metric(labels: [Label("l", $0)], value: .scalar(1)) })
    }

    @Test func mergeOrderIsReusedWhileTheNamesStayTheSame() {
        let lists = [[family("b", ["1"]), family("a", ["2", "1"])], [family("c", ["1", "1"])]]
        var problems: [String] = []
        let fresh = Registry.merge(lists, problems: &problems)
        #expect(fresh.map(\.name) == ["a", "b", "c"])
        #expect(fresh[0].metrics.map { $0.labels[0].value } == ["1", "2"])
        #expect(fresh[2].metrics.count == 1 && problems.count == 1)

        var order: FamilyOrder?
        problems = []
        #expect(Registry.merge(lists, problems: &problems, order: &order) == fresh)
        #expect(order != nil)
        // Same names: the remembered order; the series are still sorted and deduplicated.
        #expect(Registry.merge(lists, problems: &problems, order: &order) == fresh)
        #expect(problems.count == 2)
        // The same names in another order within a list (a collector emitting from a dictionary).
        let reordered = [[lists[0][1], lists[0][0]], lists[1]]
        #expect(Registry.merge(reordered, problems: &problems, order: &order) == fresh)
        #expect(Registry.merge([[lists[0][1], lists[0][1]], lists[1]], problems: &problems, order: &order).map(\.name) == ["a", "c"])
        // Different names, or fewer lists: merged afresh.
        let renamed = [[family("b", ["1"]), family("0", ["1"])], [family("c", ["1"])]]
        #expect(Registry.merge(renamed, problems: &problems, order: &order).map(\.name) == ["0", "b", "c"])
        #expect(Registry.merge([lists[1]], problems: &problems, order: &order).map(\.name) == ["c"])
        // A name in two lists joins the families and leaves nothing to reuse.
        let joined = [[family("x", ["1"])], [family("x", ["2"])]]
        #expect(Registry.merge(joined, problems: &problems, order: &order).map { $0.metrics.count } == [2])
        #expect(order == nil)
    }

    @Test func encodingCacheGivesTheSameBytes() {
        let histogram = MetricFamily(name: "h", help: "hist\\o", type: .histogram, metrics: [
            Metric(labels: [], value: .histogram(HistogramValue(buckets: [.init(upperBound: 1, cumulativeCount: 2)], count: 3, sum: 4.5)))])
        let first = [family("a", help: "line\nbreak", ["1"]), histogram, family("weird-name", ["2"])]
        let second = [family("a", help: "other", ["1"]), family("b", ["3"]), histogram]
        let cache = TextEncodingCache()
        for families in [first, first, second, first] {
            #expect(TextEncoder.encode(families, cache: cache) == TextEncoder.encode(families))
            #expect(TextEncoder.encode(families, nameEscaping: .allowUTF8, cache: cache) == TextEncoder.encode(families, nameEscaping: .allowUTF8))
        }
    }

    @Test(arguments: [20, 64, 65, 150])
    func sinkFindsFamiliesAddedInTurn(families count: Int) {
        // One series per family in turn (as per-device collectors add them), below and
        // past the number of families found by scanning their keys.
        let descriptors = (0..<count).map { MetricDescriptor(name: "f\($0)", help: "", type: .gauge, labels: ["device"]) }
        let sink = MetricSink()
        for device in ["eth0", "eth1", "lo"] {
            for descriptor in descriptors { sink.add(descriptor, 1, device) }
            sink.add(descriptors[3], 2, device + "-again")
            // Another descriptor of the same name (its own strings) finds the same family.
            sink.add(MetricDescriptor(name: "f" + "\(count - 1)", help: "", type: .gauge, labels: ["device"]), 3, device + "-copy")
        }
        #expect(sink.families.map(\.name) == descriptors.map(\.name))
        #expect(sink.families.allSatisfy { $0.metrics.count == ($0.name == "f3" || $0.name == "f\(count - 1)" ? 6 : 3) })
        #expect(sink.families[0].metrics.map { $0.labels } == ["eth0", "eth1", "lo"].map { [Label("device", $0)] })
        #expect(sink.problems.isEmpty)
    }

    @Test func sinkMakesRoomForAsManySeriesAsBefore() {
        // A family started from a descriptor reserves room for the most series a family of
        // it held in an earlier sink (the last scrape), so it is not grown series by series.
        let perCPU = MetricDescriptor(name: "per_cpu", help: "", type: .counter, labels: ["cpu"])
        let first = MetricSink()
        for cpu in 0..<40 { first.add(perCPU, Double(cpu), String(cpu)) }
        #expect(first.families[0].metrics.count == 40)
        let second = MetricSink()
        second.add(perCPU, 7, "0")
        #expect(second.families[0].metrics.capacity >= 40)
        #expect(second.families[0].metrics.map(\.labels) == [[Label("cpu", "0")]])
        // Another descriptor of the same name has its own history: it starts small.
        let fresh = MetricSink()
        fresh.add(MetricDescriptor(name: "per_cpu", help: "", type: .counter, labels: ["cpu"]), 7, "0")
        #expect(fresh.families[0].metrics.capacity < 40)
        #expect(fresh.families == second.families)
    }

    @Test(arguments: [10, 100])
    func sinkJoinsWholeFamiliesOfTheSameName(families count: Int) {
        // The textfile collector's path: whole families, joined by name with help and type checked.
        let sink = MetricSink()
        for round in 0..<2 {
            for index in 0..<count {
                sink.add(family: MetricFamily(name: "t\(index)", help: "h", type: .counter, metrics: [
                    Metric(labels: [Label("round", "\(round)")], value: .scalar(1))]))
            }
        }
        sink.add(family: MetricFamily(name: "t\(count - 1)", help: "other", type: .counter, metrics: [
            Metric(labels: [], value: .scalar(1))]))
        #expect(sink.families.map(\.name) == (0..<count).map { "t\($0)" })
        #expect(sink.families.allSatisfy { $0.metrics.map { $0.labels[0].value } == ["0", "1"] })
        #expect(sink.problems == ["metric family t\(count - 1) emitted twice with different help or type"])
    }
}
