import LanternPromQL
import Testing
@testable import LanternTSDB

/// The head's postings after truncation: removed series gone, the rest in order, and lists
/// that grew by doubling copied to their size.
@Suite struct HeadPostingsTests {
    @Test func truncationDropsRemovedSeriesAndSpareCapacity() {
        var head = Head(chunkRange: 1000)
        for index in 0..<600 {
            let kind = index % 3 == 0 ? "gone" : "kept"
            let reference = head.getOrCreate(labels(["__name__": "bench_up", "job": "bench", "kind": kind, "slot": "s\(index)"])).reference
            // Every third series has samples only before 1000: truncation at 1000 removes it.
            head.append(reference, 500, 1)
            if index % 3 != 0 { head.append(reference, 1500, 1) }
        }
        #expect(head.seriesIDs("job", "bench").capacity > 600 + 600 / 8 + 2)
        #expect(head.seriesIDs("kind", "kept").capacity > 400 + 400 / 8 + 2)
        head.truncate(before: 1000)
        let kept = (0..<600).filter { $0 % 3 != 0 }.map { UInt64($0 + 1) }
        let job = head.seriesIDs("job", "bench")
        #expect(job == kept)
        #expect(job.capacity - job.count < 2)
        #expect(head.seriesIDs("__name__", "bench_up") == kept)
        // A list none of whose series went is sized to fit too.
        let untouched = head.seriesIDs("kind", "kept")
        #expect(untouched == kept && untouched.capacity - untouched.count < 2)
        #expect(head.seriesIDs("kind", "gone").isEmpty && head.labelValues("kind") == ["kept"])
        #expect(head.seriesIDs("slot", "s0").isEmpty && head.seriesIDs("slot", "s1") == [2])
        #expect(head.labelValues("slot").count == 400)
        // A list grows again as before after being sized to fit.
        let added = head.getOrCreate(labels(["__name__": "bench_up", "job": "bench", "kind": "kept", "slot": "s600"])).reference
        #expect(head.seriesIDs("job", "bench") == kept + [added])
    }
}
