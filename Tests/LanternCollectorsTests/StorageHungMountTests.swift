import Glibc
import LanternCollectors
import LanternFlags
import LanternMetrics
import LanternSupport
import Testing

/// A real FUSE file system whose statfs blocks until a file appears (Debian's fuse3 and
/// python3-fusepy, from scripts/install-deps). It logs the pid of each statfs caller in a
/// file: other tests running at the same time (exporters on the live host) may stat it too,
/// so the test counts only its own process's calls.
private let hangingFilesystem = """
    import errno, os, stat, sys, time
    from fusepy import FUSE, FuseOSError, Operations, fuse_get_context

    mount_point, release, calls = sys.argv[1:4]

    class Hanging(Operations):
        def getattr(self, path, fh=None):
            if path == "/":
                return dict(st_mode=stat.S_IFDIR | 0o755, st_nlink=2)
            raise FuseOSError(errno.ENOENT)

        def readdir(self, path, fh):
            return [".", ".."]

        def statfs(self, path):
            # FUSE gives the calling thread's id; its process is that thread's Tgid.
            caller = fuse_get_context()[2]
            try:
                with open("/proc/%d/status" % caller) as status:
                    caller = next(int(l.split()[1]) for l in status if l.startswith("Tgid:"))
            except (OSError, StopIteration, ValueError):
                pass
            with open(calls, "a") as log:
                log.write("%d\\n" % caller)
            while not os.path.exists(release):
                time.sleep(0.05)
            return dict(f_bsize=4096, f_frsize=4096, f_blocks=100, f_bfree=50, f_bavail=25, f_files=10, f_ffree=5)

    FUSE(Hanging(), mount_point, foreground=True, nothreads=False, fsname="lantern-hang")
    """

private let fuseUsable = access("/dev/fuse", R_OK | W_OK) == 0
    && access("/usr/lib/python3/dist-packages/fusepy.py", R_OK) == 0
    && access("/usr/bin/fusermount", X_OK) == 0

@Suite(.serialized) struct HungMountTests {
    /// Runs a program and returns its pid, or throws.
    private func spawn(_ arguments: [String]) throws -> pid_t {
        var pid: pid_t = 0
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, arguments[0], nil, nil, &argv, environ) == 0 else { throw CollectorError("cannot start \(arguments[0])") }
        return pid
    }

    private func run(_ arguments: [String]) throws {
        var status: Int32 = 0
        waitpid(try spawn(arguments), &status, 0)
    }

    private func isMounted(_ mountPoint: String) -> Bool {
        ((try? KernelFile.read("/proc/self/mountinfo")) ?? "").split(separator: "\n").contains { $0.split(separator: " ").dropFirst(4).first.map(String.init) == mountPoint }
    }

    /// statfs calls this test process made (the file holds one caller pid a line).
    private func lineCount(_ path: String) -> Int {
        let ownPID = String(getpid())
        return ((try? KernelFile.read(path)) ?? "").split(separator: "\n").filter { $0 == ownPID }.count
    }

    @Test(.enabled(if: fuseUsable, "needs /dev/fuse, fusermount and python3-fusepy (scripts/install-deps)"))
    func hungFUSEMountIsReportedWithoutStallingTheScrape() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("hang.py", hangingFilesystem)
        let mountPoint = scratch.path + "/mnt"
        let release = scratch.path + "/release"
        let calls = scratch.path + "/calls"
        mkdir(mountPoint, 0o755)
        let daemon = try spawn(["/usr/bin/python3", scratch.path + "/hang.py", mountPoint, release, calls])
        defer {
            // Let the hung statfs return, then take the mount and its daemon down.
            fclose(fopen(release, "w"))
            try? run(["/usr/bin/fusermount", "-u", "-z", mountPoint])
            kill(daemon, SIGKILL)
            var status: Int32 = 0
            waitpid(daemon, &status, 0)
            rmdir(mountPoint)
            remove(release)
            remove(calls)
        }
        for _ in 0..<500 where !isMounted(mountPoint) { usleep(20_000) }
        try #require(isMounted(mountPoint), "the FUSE file system did not mount")

        let flags = try defaultFlags(["collector.filesystem.mount-timeout": "1s"])
        let collector = try #require(CollectorTable.definition(named: "filesystem")).make(
            CollectorContext(paths: HostPaths(), flags: flags, logger: testLogger))
        func scrape() throws -> [Sample] {
            let sink = MetricSink()
            try collector.collect(into: sink)
            #expect(sink.problems.isEmpty)
            return Exposition.collected(from: sink).samples
        }
        let hung = Sample(
            name: "node_filesystem_device_error",
            labels: "device=\"lantern-hang\",device_error=\"mountpoint timeout\",fstype=\"fuse\",mountpoint=\"\(mountPoint)\"", value: 1)
        func othersArePresent(_ samples: [Sample]) -> Bool {
            samples.contains { $0.name == "node_filesystem_size_bytes" && !$0.labels.contains("mountpoint=\"\(mountPoint)\"") }
        }

        let first = try scrape()
        #expect(first.contains(hung))
        #expect(othersArePresent(first))
        #expect(lineCount(calls) == 1)

        // Still hanging: reported again without a second statfs call.
        let second = try scrape()
        #expect(second.contains(hung))
        #expect(othersArePresent(second))
        #expect(lineCount(calls) == 1)

        // Once the call returns, the mount is stat'ed again.
        fclose(fopen(release, "w"))
        var recovered: [Sample] = []
        for _ in 0..<200 where !recovered.contains(where: { $0.name == "node_filesystem_size_bytes" && $0.labels.contains(mountPoint) }) {
            usleep(20_000)
            recovered = try scrape()
        }
        #expect(recovered.contains(Sample(
            name: "node_filesystem_size_bytes", labels: "device=\"lantern-hang\",device_error=\"\",fstype=\"fuse\",mountpoint=\"\(mountPoint)\"",
            value: 409600)))
        #expect(lineCount(calls) >= 2)
    }
}
