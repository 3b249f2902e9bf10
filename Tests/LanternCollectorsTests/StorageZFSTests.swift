@testable import LanternCollectors
import LanternMetrics
import LanternSupport
import Testing

@Suite struct ZFSKstatParserTests {
    @Test func parsesNamedKstats() throws {
        let arc = try ZFSKstat.parseNamed(try Fixtures.read("proc/spl/kstat/zfs/arcstats"), includeSigned: true)
        #expect(arc.values.first { $0.name == "hits" }?.value == 8772612)
        #expect(arc.values.first { $0.name == "memory_available_bytes" }?.value == Double(Int64(-922337203685477580)))
        let objset = try ZFSKstat.parseNamed(try Fixtures.read("proc/spl/kstat/zfs/pool1/objset-1"), includeSigned: false)
        #expect(objset.datasetName == "pool1")
        #expect(objset.values.map(\.name) == ["writes", "nwritten", "reads", "nread", "nunlinks", "nunlinked"])
    }

    @Test func signedKstatsAreKeptOnlyWhenAsked() throws {
        let text = "1 2\nname type data\na 3 5\nb 4 6\nc 1 7\n"
        #expect(try ZFSKstat.parseNamed(text, includeSigned: true).values.map(\.name) == ["a", "b"])
        #expect(try ZFSKstat.parseNamed(text, includeSigned: false).values.map(\.name) == ["b"])
    }

    @Test func datasetNamesKeepTheirSpaces() throws {
        let objset = try ZFSKstat.parseNamed(try Fixtures.read("proc/spl/kstat/zfs/pool3/objset-2"), includeSigned: false)
        #expect(objset.datasetName == "pool3/dataset with  space")
    }

    @Test func parsesPoolIO() throws {
        let values = try ZFSKstat.parsePoolIO(try Fixtures.read("proc/spl/kstat/zfs/pool1/io"))
        #expect(values.count == 12)
        #expect(values.first == .init(name: "nread", value: 1884160))
    }

    @Test(arguments: [
        ("name type data\nhits 4 -3\n", "could not parse"),
        ("name type data\nhits 3 x\n", "could not parse"),
        ("hits 4 3\n", "no \"name type data\" header"),
    ])
    func rejectsMalformedNamedKstats(text: String, problem: String) {
        #expect { try ZFSKstat.parseNamed(text, includeSigned: true) } throws: { error in
            ((error as? KernelParseError)?.reason ?? "").contains(problem)
        }
    }

    @Test(arguments: [
        ("nread nwritten reads writes wtime wlentime wupdate rtime rlentime rupdate wcnt rcnt\n1 2 3\n", "3 values for 12 names"),
        ("nread nwritten reads writes wtime wlentime wupdate rtime rlentime rupdate wcnt rcnt\n1 2 3 4 5 6 7 8 9 10 11 x\n", "could not parse"),
    ])
    func rejectsMalformedPoolIO(text: String, problem: String) {
        #expect { try ZFSKstat.parsePoolIO(text) } throws: { error in
            ((error as? KernelParseError)?.reason ?? "").contains(problem)
        }
    }
}

@Suite struct ZFSCollectorTests {
    static func isFamily(_ name: String) -> Bool { name.hasPrefix("node_zfs_") }

    @Test func matchesE2EOutput() throws {
        try expectE2EParity("zfs", families: Self.isFamily)
    }

    @Test func noZFSIsNoData() throws {
        let scratch = try ScratchDirectory()
        #expect(try scrape("zfs", paths: HostPaths(procfs: scratch.path)).families.isEmpty)
    }

    @Test func missingKstatFilesAreSkipped() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("spl/kstat/zfs/fm", "0 1\nname type data\nerpt-dropped 4 18\n")
        let sink = try scrape("zfs", paths: HostPaths(procfs: scratch.path))
        #expect(sink.families.map(\.name) == ["node_zfs_fm_erpt_dropped"])
        #expect(sink.families.first?.help == "kstat.zfs.misc.fm.erpt-dropped")
    }

    @Test func unknownPoolStateMarksNoState() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("spl/kstat/zfs/tank/state", "RESILVERING\n")
        let sink = try scrape("zfs", paths: HostPaths(procfs: scratch.path))
        let family = try #require(sink.families.first { $0.name == "node_zfs_zpool_state" })
        #expect(family.metrics.count == 7)
        #expect(family.metrics.allSatisfy { $0.value == .scalar(0) })
    }

    @Test func malformedKstatFailsTheCollector() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("spl/kstat/zfs/arcstats", "0 1\nname type data\nhits 4 lots\n")
        #expect(throws: CollectorError.self) { try scrape("zfs", paths: HostPaths(procfs: scratch.path)) }
    }
}
