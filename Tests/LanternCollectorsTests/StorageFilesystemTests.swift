import Glibc
@testable import LanternCollectors
import LanternFlags
import LanternMetrics
import LanternSupport
import Synchronization
import Testing

@Suite struct MountInfoParserTests {
    @Test func parsesTheFixture() throws {
        let mounts = try MountInfo.parse(try Fixtures.read("proc/1/mountinfo"))
        #expect(mounts.count == 32)
        let root = try #require(mounts.first { $0.mountPoint == "/" })
        #expect(root == MountInfo(
            mountID: 29, parentID: 1, major: 259, minor: 2, root: "/", mountPoint: "/", options: ["rw", "relatime"],
            fsType: "ext4", source: "/dev/dm-2", superOptions: ["errors=remount-ro", "data=ordered"]))
        let cgroup = try #require(mounts.first { $0.mountPoint == "/sys/fs/cgroup" })
        #expect(cgroup.isReadOnly)
        #expect(!root.isReadOnly)
        // Optional fields may be several, or none.
        #expect(try MountInfo.parseLine("1 0 8:1 / /a rw a:1 b:2 - ext4 /dev/sda1 rw").fsType == "ext4")
        #expect(try MountInfo.parseLine("1 0 8:1 / /a rw - ext4 /dev/sda1 ro").isReadOnly)
    }

    @Test(arguments: [
        ("1 0 8:1 / /a rw - ext4 /dev/sda1", "too few fields"),
        ("1 0 8:1 / /a rw shared:1 x ext4 /dev/sda1 rw", "separator"),
        ("1 0 8-1 / /a rw shared:1 - ext4 /dev/sda1 rw", "major:minor"),
        ("1 0 8:x / /a rw shared:1 - ext4 /dev/sda1 rw", "major:minor"),
        ("x 0 8:1 / /a rw shared:1 - ext4 /dev/sda1 rw", "mount ID"),
        ("1 y 8:1 / /a rw shared:1 - ext4 /dev/sda1 rw", "parent ID"),
    ])
    func rejectsMalformedLines(line: String, problem: String) {
        #expect { try MountInfo.parse("29 1 259:2 / / rw shared:1 - ext4 /dev/dm-2 rw\n" + line + "\n") } throws: { error in
            let reason = (error as? KernelParseError)?.reason ?? ""
            return reason.hasPrefix("line 2: ") && reason.contains(problem)
        }
    }

    @Test func survivesArbitraryBytes() {
        for text in ["", "\n\n", " - - - - - - - - -", "1 1 1:1 \u{0} / - - - - -", String(repeating: "9", count: 40) + " 0 0:0 / / rw x - a b c"] {
            _ = try? MountInfo.parse(text)
        }
    }
}

/// A statfs stand-in that records its calls (and the thread of each) and answers with fixed sizes.
final class FakeStatfs: Sendable {
    let calls = Mutex<[String]>([])
    let threads = Mutex<[String: pthread_t]>([:])
    let answer: @Sendable (String) -> StatfsOutcome

    init(answer: @escaping @Sendable (String) -> StatfsOutcome = { _ in
        .stats(FilesystemUsage(sizeBytes: 4096, freeBytes: 2048, availableBytes: 1024, files: 10, filesFree: 5))
    }) {
        self.answer = answer
    }

    /// The paths stat'ed on `thread`, sorted.
    func pathsStated(onThread thread: pthread_t) -> [String] {
        threads.withLock { $0 }.filter { pthread_equal($0.value, thread) != 0 }.keys.sorted()
    }

    var statfs: @Sendable (String) -> StatfsOutcome {
        { [self] path in
            calls.withLock { $0.append(path) }
            threads.withLock { $0[path] = pthread_self() }
            return answer(path)
        }
    }
}

@Suite struct FilesystemCollectorTests {
    func collect(paths: HostPaths = Fixtures.paths, flags: [String: String] = [:], fake: FakeStatfs = FakeStatfs()) throws -> Exposition {
        let options = try FilesystemFlags.options(from: try defaultFlags(flags), logger: testLogger)
        let collector = try FilesystemCollector(paths: paths, options: options, logger: testLogger, statfs: fake.statfs)
        let sink = MetricSink()
        try collector.collect(into: sink)
        #expect(sink.problems.isEmpty)
        return Exposition.collected(from: sink)
    }

    func mountPoints(_ exposition: Exposition) -> [String] {
        exposition.samples.filter { $0.name == "node_filesystem_size_bytes" }.compactMap { sample in
            sample.labels.split(separator: ",").first { $0.hasPrefix("mountpoint=") }.map { String($0.dropFirst(12).dropLast()) }
        }.sorted()
    }

    static let kubeletVolume = "/var/lib/kubelet/plugins/kubernetes.io/vsphere-volume/mounts/[vsanDatastore]%@bafb9e5a-8856-7e6c-699c-801844e77a4a/kubernetes-dynamic-pvc-3eba5bba-48a3-11e8-89ab-005056b92113.vmdk"
    /// Both kubelet volumes: their `\040` and `\011` escapes become a space and a tab.
    static let fixtureKept = [
        "/", "/boot", "/run", "/run/lock", "/run/user/1000", "/run/user/1000/gvfs",
        kubeletVolume.replacing("%@", with: "\t"), kubeletVolume.replacing("%@", with: " "),
    ]

    @Test func defaultFiltersOnTheFixture() throws {
        let fake = FakeStatfs()
        let exposition = try collect(fake: fake)
        #expect(mountPoints(exposition) == Self.fixtureKept)
        // statfs goes through --path.rootfs (the fixture directory here).
        #expect(fake.calls.withLock { $0 }.sorted() == Self.fixtureKept.map { cleanPath(Fixtures.root + "/" + $0) }.sorted())
        #expect(exposition.headers["node_filesystem_avail_bytes"] == FamilyHeader(help: "Filesystem space available to non-root users in bytes.", type: "gauge"))
        #expect(exposition.headers["node_filesystem_mount_info"] == FamilyHeader(help: "Filesystem mount information.", type: "gauge"))
        let rootLabels = "device=\"/dev/dm-2\",device_error=\"\",fstype=\"ext4\",mountpoint=\"/\""
        let root = exposition.samples.filter { $0.labels == rootLabels }.map { "\($0.name) \($0.value)" }.sorted()
        #expect(root == [
            "node_filesystem_avail_bytes 1024.0", "node_filesystem_device_error 0.0", "node_filesystem_files 10.0",
            "node_filesystem_files_free 5.0", "node_filesystem_free_bytes 2048.0", "node_filesystem_readonly 0.0",
            "node_filesystem_size_bytes 4096.0",
        ])
        #expect(exposition.samples.contains(Sample(
            name: "node_filesystem_mount_info", labels: "device=\"/dev/dm-2\",major=\"259\",minor=\"2\",mountpoint=\"/\"", value: 1)))
    }

    @Test func statfsErrorsBecomeDeviceErrorsWithGoText() throws {
        let fake = FakeStatfs { path in path.hasSuffix("/boot") ? .failed(MountStatter.goErrorText(EACCES)) : FakeStatfs().answer(path) }
        let exposition = try collect(fake: fake)
        let boot = exposition.samples.filter { $0.labels.contains("mountpoint=\"/boot\"") }
        #expect(boot.map(\.name).sorted() == ["node_filesystem_device_error", "node_filesystem_readonly"])
        #expect(boot.allSatisfy { $0.labels.contains("device_error=\"permission denied\"") })
        #expect(boot.first { $0.name == "node_filesystem_device_error" }?.value == 1)
    }

    @Test func readOnlyComesFromMountOrSuperblockOptions() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("proc/1/mountinfo", """
            1 0 8:1 / /a ro,relatime - ext4 /dev/sda1 rw
            2 0 8:2 / /b rw,relatime - ext4 /dev/sda2 ro
            3 0 8:3 / /c rw,relatime - ext4 /dev/sda3 rw

            """)
        let exposition = try collect(paths: HostPaths(procfs: scratch.path + "/proc", rootfs: "/"))
        let readOnly = exposition.samples.filter { $0.name == "node_filesystem_readonly" }.map(\.value)
        #expect(readOnly == [1, 1, 0])
    }

    @Test func rootfsPrefixIsStrippedFromLabelsAndUsedForStatfs() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("proc/1/mountinfo", """
            1 0 8:1 / /host rw - ext4 /dev/sda1 rw
            2 0 8:2 / /host/data\\040dir rw - xfs /dev/sdb1 rw
            3 0 8:3 / /elsewhere rw - xfs /dev/sdc1 rw

            """)
        let fake = FakeStatfs()
        let exposition = try collect(paths: HostPaths(procfs: scratch.path + "/proc", rootfs: "/host"), fake: fake)
        #expect(mountPoints(exposition) == ["/", "/data dir", "/elsewhere"])
        #expect(fake.calls.withLock { $0 }.sorted() == ["/host", "/host/data dir", "/host/elsewhere"])
        // The paths are looked up through this process's mounts, which mountinfo does not list.
        #expect(fake.pathsStated(onThread: pthread_self()).isEmpty)
    }

    @Test func fallsBackToSelfMountinfoWithoutPID1() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("proc/self/mountinfo", "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n")
        #expect(mountPoints(try collect(paths: HostPaths(procfs: scratch.path + "/proc", rootfs: "/"))) == ["/"])
    }

    @Test func malformedMountinfoFailsTheCollector() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("proc/1/mountinfo", "1 0 8:1 / / rw ext4 /dev/sda1 rw\n")
        #expect(throws: KernelFileError.self) { try collect(paths: HostPaths(procfs: scratch.path + "/proc", rootfs: "/")) }
    }

    /// The parsed mounts are kept while mountinfo reads the same; a changed file is parsed
    /// again, and a broken one still fails the collector after good reads.
    @Test func mountinfoIsParsedAgainWhenItChanges() throws {
        let scratch = try ScratchDirectory()
        let paths = HostPaths(procfs: scratch.path + "/proc", rootfs: "/")
        let options = try FilesystemFlags.options(from: try defaultFlags(), logger: testLogger)
        let collector = try FilesystemCollector(paths: paths, options: options, logger: testLogger, statfs: FakeStatfs().statfs)
        func scrape() throws -> [String] {
            let sink = MetricSink()
            try collector.collect(into: sink)
            return mountPoints(Exposition.collected(from: sink))
        }
        try scratch.write("proc/1/mountinfo", "1 0 8:1 / /a rw - ext4 /dev/sda1 rw\n")
        #expect(try scrape() == ["/a"])
        #expect(try scrape() == ["/a"])
        try scratch.write("proc/1/mountinfo", "1 0 8:1 / /a rw - ext4 /dev/sda1 rw\n2 0 8:2 / /b\\040c rw - xfs /dev/sdb1 rw\n")
        #expect(try scrape() == ["/a", "/b c"])
        try scratch.write("proc/1/mountinfo", "1 0 8:1 / /a rw ext4 /dev/sda1 rw\n")
        #expect(throws: KernelFileError.self) { try scrape() }
        try scratch.write("proc/1/mountinfo", "1 0 8:1 / /a rw - ext4 /dev/sda1 rw\n")
        #expect(try scrape() == ["/a"])
    }

    @Test func unchangedTextCacheDerivesOncePerText() throws {
        let cache = UnchangedTextCache<Int>()
        var derivations = 0
        func value(_ text: String) throws(KernelParseError) -> Int {
            try cache.value(for: text) { (text) throws(KernelParseError) in
                derivations += 1
                guard let number = Int(text) else { throw KernelParseError("not a number: \(text)") }
                return number
            }
        }
        #expect(try value("1") == 1)
        #expect(try value("1") == 1)
        #expect(derivations == 1)
        #expect(try value("2") == 2)
        #expect(throws: KernelParseError.self) { try value("x") }
        #expect(try value("2") == 2)
        #expect(derivations == 3) // a failed text keeps the last good one
    }

    /// Texts are compared by bytes: "/mnt/\u{212A}" (KELVIN SIGN) and "/mnt/K" are equal for
    /// Swift's `==` but are two mount points, so the second text is derived again.
    @Test func unchangedTextCacheComparesBytes() {
        let cache = UnchangedTextCache<String>()
        _ = cache.value(for: "/mnt/\u{212A}") { $0 }
        let second = cache.value(for: "/mnt/K") { $0 }
        #expect(second.utf8.elementsEqual("/mnt/K".utf8))
    }

    @Test func mountPointsExcludeReplacesTheDefault() throws {
        let kept = mountPoints(try collect(flags: ["collector.filesystem.mount-points-exclude": "^/run"]))
        #expect(kept.contains("/sys/fs/cgroup"))
        #expect(!kept.contains { $0.hasPrefix("/run") })
    }

    @Test func mountPointsIncludeClearsTheDefaultExclude() throws {
        #expect(mountPoints(try collect(flags: ["collector.filesystem.mount-points-include": "^/(boot|sys/fs/cgroup)$"])) == ["/boot", "/sys/fs/cgroup"])
    }

    @Test func fsTypesExcludeReplacesTheDefault() throws {
        let kept = mountPoints(try collect(flags: ["collector.filesystem.fs-types-exclude": "^(tmpfs|ext.)$"]))
        // rpc_pipefs was excluded by the default type pattern only.
        #expect(kept == ["/run/rpc_pipefs", "/run/user/1000/gvfs"])
    }

    @Test func fsTypesIncludeClearsTheDefaultExclude() throws {
        #expect(mountPoints(try collect(flags: ["collector.filesystem.fs-types-include": "^ext2$"])) == ["/boot"])
    }

    @Test func deprecatedIgnoredFlagsStillWork() throws {
        let mounts = mountPoints(try collect(flags: ["collector.filesystem.ignored-mount-points": "^/(run|var|sys|dev|proc)"]))
        #expect(mounts == ["/", "/boot"])
        let types = mountPoints(try collect(flags: ["collector.filesystem.ignored-fs-types": "^(tmpfs|ext4|fuse.*)$"]))
        #expect(types == ["/boot", "/run/rpc_pipefs"])
    }

    @Test(arguments: [
        ["collector.filesystem.mount-points-exclude": "^/a", "collector.filesystem.mount-points-include": "^/b"],
        ["collector.filesystem.fs-types-exclude": "^a", "collector.filesystem.fs-types-include": "^b"],
        ["collector.filesystem.mount-points-exclude": "^/a", "collector.filesystem.ignored-mount-points": "^/b"],
        ["collector.filesystem.mount-points-include": "(unclosed"],
    ])
    func conflictingOrInvalidFlagsFailConstruction(flags: [String: String]) throws {
        let definition = try #require(CollectorTable.definition(named: "filesystem"))
        #expect(throws: (any Error).self) {
            _ = try definition.make(CollectorContext(paths: Fixtures.paths, flags: try defaultFlags(flags), logger: testLogger))
        }
    }

    @Test func aStatfsThatDoesNotAnswerIsReportedAndSkippedUntilItReturns() throws {
        let release = Mutex(false)
        let fake = FakeStatfs { path in
            if path.hasSuffix("/boot") { while !release.withLock({ $0 }) { usleep(10_000) } }
            return FakeStatfs().answer(path)
        }
        // One worker: the other mounts must still be stat'ed once the hung one times out.
        let flags = ["collector.filesystem.mount-timeout": "200ms", "collector.filesystem.stat-workers": "1"]
        let options = try FilesystemFlags.options(from: try defaultFlags(flags), logger: testLogger)
        let collector = try FilesystemCollector(paths: Fixtures.paths, options: options, logger: testLogger, statfs: fake.statfs)
        func scrape() throws -> Exposition {
            let sink = MetricSink()
            try collector.collect(into: sink)
            return Exposition.collected(from: sink)
        }
        let bootError = Sample(
            name: "node_filesystem_device_error", labels: "device=\"/dev/sda3\",device_error=\"mountpoint timeout\",fstype=\"ext2\",mountpoint=\"/boot\"", value: 1)

        for _ in 0..<2 {
            let exposition = try scrape()
            #expect(exposition.samples.contains(bootError))
            #expect(mountPoints(exposition) == Self.fixtureKept.filter { $0 != "/boot" })
        }
        #expect(fake.calls.withLock { $0 }.filter { $0.hasSuffix("/boot") }.count == 1)

        release.withLock { $0 = true }
        var recovered = false
        for _ in 0..<500 where !recovered {
            usleep(10_000)
            recovered = mountPoints(try scrape()) == Self.fixtureKept
        }
        #expect(recovered)
    }

    @Test func otherMountsAreStatedWhileOneHangs() throws {
        // /boot answers only once every other mount point has been stat'ed (or after 20 s):
        // a scrape starts with one worker, so the others must be brought in by the slow call.
        let others = Self.fixtureKept.filter { $0 != "/boot" }.count
        let otherCalls = Mutex(0)
        let othersSeen = Mutex(false)
        let fake = FakeStatfs { path in
            if path.hasSuffix("/boot") {
                for _ in 0..<2000 where otherCalls.withLock({ $0 }) < others { usleep(10_000) }
                othersSeen.withLock { $0 = otherCalls.withLock { $0 } >= others }
            } else {
                otherCalls.withLock { $0 += 1 }
            }
            return FakeStatfs().answer(path)
        }
        let exposition = try collect(flags: ["collector.filesystem.mount-timeout": "60s"], fake: fake)
        #expect(othersSeen.withLock { $0 })
        #expect(mountPoints(exposition) == Self.fixtureKept)
    }

    /// Local mounts whose statfs cannot hang, with nothing that can on the path to them.
    static let mixedMounts = """
        1 0 8:1 / / rw - ext4 /dev/sda1 rw
        2 1 0:20 / /run rw - tmpfs tmpfs rw
        3 1 0:40 / /srv/nfs rw - nfs4 server:/export rw
        4 3 8:2 / /srv/nfs/local rw - ext4 /dev/sda2 rw
        5 1 8:3 / /data rw - xfs /dev/sdb1 rw
        6 2 0:41 / /run/user/1000/gvfs rw - fuse.gvfsd-fuse gvfsd-fuse rw
        7 1 8:4 / /boot rw - ext2 /dev/sda3 rw

        """

    @Test func mountsWhoseStatfsCannotHangAreStatedOnTheScrapingThread() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("proc/1/mountinfo", Self.mixedMounts)
        let fake = FakeStatfs()
        let exposition = try collect(paths: HostPaths(procfs: scratch.path + "/proc", rootfs: "/"), fake: fake)
        #expect(mountPoints(exposition) == ["/", "/boot", "/data", "/run", "/run/user/1000/gvfs", "/srv/nfs", "/srv/nfs/local"])
        #expect(fake.pathsStated(onThread: pthread_self()) == ["/", "/boot", "/run"])
    }

    @Test func localMountsAreStatedHereWhileANetworkMountHangs() throws {
        // /srv/nfs answers only once every other mount point has been stat'ed: the local
        // ones on this thread, the other three on workers brought in by the slow call.
        let scratch = try ScratchDirectory()
        try scratch.write("proc/1/mountinfo", Self.mixedMounts)
        let otherCalls = Mutex(0)
        let release = Mutex(false)
        let fake = FakeStatfs { path in
            if path == "/srv/nfs" {
                for _ in 0..<2000 where otherCalls.withLock({ $0 }) < 6 && !release.withLock({ $0 }) { usleep(10_000) }
            } else {
                otherCalls.withLock { $0 += 1 }
            }
            return FakeStatfs().answer(path)
        }
        defer { release.withLock { $0 = true } }
        let exposition = try collect(
            paths: HostPaths(procfs: scratch.path + "/proc", rootfs: "/"), flags: ["collector.filesystem.mount-timeout": "60s"], fake: fake)
        #expect(otherCalls.withLock { $0 } == 6)
        #expect(mountPoints(exposition) == ["/", "/boot", "/data", "/run", "/run/user/1000/gvfs", "/srv/nfs", "/srv/nfs/local"])
        #expect(fake.pathsStated(onThread: pthread_self()) == ["/", "/boot", "/run"])
    }

    @Test func aStatfsNeedsTheTimeoutUnlessEverythingOnItsPathCannotHang() {
        let mounts: [(mountPoint: String, fsType: String)] = [
            ("/", "ext4"),
            ("/run", "tmpfs"),
            ("/run/user/1000", "tmpfs"),
            ("/mnt/nfs", "nfs4"),
            ("/mnt/nfs/disk", "ext4"),  // looked up through the NFS mount
            ("/mnt/nfsish", "ext4"),  // a sibling, not below /mnt/nfs
            ("/media", "tmpfs"),
            ("/media", "fuse.sshfs"),  // stacked: statfs reaches the top one
            ("/media/x", "ext4"),
            ("/auto", "autofs"),
            ("/auto/share", "ext4"),
            ("/data", "xfs"),
            ("/pool", "btrfs"),
            ("relative", "ext4"),
        ]
        #expect(MountStatter.needsTimeout(mounts) == [
            false, false, false, true, true, false, true, true, true, true, true, true, true, true,
        ])
        // Without the root listed, nothing is known about the lookup's start.
        #expect(MountStatter.needsTimeout([("/run", "tmpfs")]) == [true])
        #expect(MountStatter.needsTimeout([("/", "9p"), ("/run", "tmpfs")]) == [true, true])
    }
}
