import Glibc
@testable import LanternCollectors
import LanternMetrics
import Synchronization
import Testing

/// Whatever lands in the textfile directory, the good files are still served, the
/// error metrics name the bad file, and the log line names the file and the reason.
@Suite struct TextfileBadInputTests {
    static let goodContent = "# HELP good_metric A good one.\n# TYPE good_metric gauge\ngood_metric 1\n"

    /// A directory with `good.prom` and whatever `addBadEntry` puts beside it.
    static func directory(_ addBadEntry: (DropInDirectory) throws -> Void) throws -> DropInDirectory {
        let directory = try DropInDirectory()
        try directory.write("good.prom", goodContent)
        try addBadEntry(directory)
        return directory
    }

    /// The good file served, `bad` alone reported, and a log line naming it with `reason`.
    static func expectOnly(_ bad: String, failedIn run: TextfileRun, of directory: DropInDirectory, reason: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.scalars("good_metric").map(\.value) == [1], sourceLocation: sourceLocation)
        #expect(run.readFiles.contains(directory.file("good.prom")), sourceLocation: sourceLocation)
        #expect(!run.readFiles.contains(directory.file(bad)), sourceLocation: sourceLocation)
        #expect(run.scrapeError == 1, sourceLocation: sourceLocation)
        #expect(run.failedFiles == [directory.file(bad)], sourceLocation: sourceLocation)
        let lines = run.log.errorLines
        #expect(lines.contains { $0.contains(bad) && $0.contains(reason) }, "log: \(lines)", sourceLocation: sourceLocation)
    }

    @Test func binaryGarbage() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let garbage = (0..<4096).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let directory = try Self.directory { try $0.write("garbage.prom", bytes: garbage) }
        let run = try TextfileRun([directory.path])
        Self.expectOnly("garbage.prom", failedIn: run, of: directory, reason: "failed to parse textfile data")
    }

    @Test func invalidUTF8InALabelValue() throws {
        let directory = try Self.directory {
            try $0.write("latin1.prom", bytes: Array("city_temperature{city=\"K".utf8) + [0xF6] + Array("ln\"} 7\n".utf8))
        }
        let run = try TextfileRun([directory.path])
        Self.expectOnly("latin1.prom", failedIn: run, of: directory, reason: "invalid label value")
    }

    /// A 1 GiB sparse file: refused from its size, without reading it.
    @Test func hugeFileOverTheLimit() throws {
        let directory = try Self.directory { directory in
            let descriptor = open(directory.file("huge.prom"), O_WRONLY | O_CREAT, 0o644)
            defer { close(descriptor) }
            #expect(ftruncate(descriptor, 1 << 30) == 0)
        }
        let run = try TextfileRun([directory.path])
        Self.expectOnly("huge.prom", failedIn: run, of: directory, reason: "is 1073741824 bytes, larger than the limit of 16777216")
    }

    /// Opening a FIFO without a writer would block a plain open(2) forever.
    @Test func fifoDoesNotBlock() throws {
        let directory = try Self.directory { #expect(mkfifo($0.file("pipe.prom"), 0o644) == 0) }
        let run = try TextfileRun([directory.path])
        Self.expectOnly("pipe.prom", failedIn: run, of: directory, reason: "is a FIFO, not a regular file")
    }

    @Test func symlinkLoop() throws {
        let directory = try Self.directory {
            #expect(symlink($0.file("loop-b.prom"), $0.file("loop-a.prom")) == 0)
            #expect(symlink($0.file("loop-a.prom"), $0.file("loop-b.prom")) == 0)
        }
        let run = try TextfileRun([directory.path])
        #expect(run.failedFiles == [directory.file("loop-a.prom"), directory.file("loop-b.prom")])
        #expect(run.scalars("good_metric").map(\.value) == [1])
        #expect(run.log.errorLines.contains { $0.contains("loop-a.prom") && $0.contains("Too many levels of symbolic links") })
    }

    @Test func directoryNamedProm() throws {
        let directory = try Self.directory { mkdir($0.file("x.prom"), 0o755) }
        let run = try TextfileRun([directory.path])
        Self.expectOnly("x.prom", failedIn: run, of: directory, reason: "is a directory, not a regular file")
    }

    /// Tests run as root here, and root reads a mode-000 file. To get the EACCES an
    /// unprivileged exporter gets, the read of that one file runs with the thread's
    /// filesystem uid set to nobody (setfsuid(2), which also drops root's
    /// CAP_DAC_OVERRIDE for that thread); other files are read as root.
    @Test func unreadablePermissions() throws {
        let directory = try Self.directory { directory in
            try directory.write("secret.prom", "secret 1\n")
            chmod(directory.file("secret.prom"), 0o000)
        }
        let run: TextfileRun
        if getuid() == 0 {
            let setFilesystemUID = try #require(FilesystemUID.setter)
            defer { _ = setFilesystemUID(0) }
            run = try TextfileRun([directory.path], beforeOpening: { path in
                _ = setFilesystemUID(path.hasSuffix("/secret.prom") ? 65534 : 0)
            })
        } else {
            run = try TextfileRun([directory.path])
        }
        Self.expectOnly("secret.prom", failedIn: run, of: directory, reason: "Permission denied")
    }

    /// Deleted between the directory listing and the open, through the reader's seam:
    /// the file really is gone from the real filesystem when it is opened.
    @Test func fileDeletedDuringTheRead() throws {
        let directory = try Self.directory { try $0.write("vanishing.prom", "vanishing 1\n") }
        let run = try TextfileRun([directory.path], beforeOpening: { path in
            if path.hasSuffix("/vanishing.prom") { unlink(path) }
        })
        Self.expectOnly("vanishing.prom", failedIn: run, of: directory, reason: "No such file or directory")
    }

    @Test func nanAndInfinityValuesAreServed() throws {
        let directory = try Self.directory {
            try $0.write("special.prom", "special{v=\"nan\"} NaN\nspecial{v=\"pinf\"} +Inf\nspecial{v=\"ninf\"} -Inf\nspecial{v=\"inf\"} Inf\n")
        }
        let run = try TextfileRun([directory.path])
        #expect(run.scrapeError == 0)
        #expect(run.failedFiles.isEmpty)
        let text = run.encoded()
        #expect(text.contains("special{v=\"nan\"} NaN\n"))
        #expect(text.contains("special{v=\"pinf\"} +Inf\n"))
        #expect(text.contains("special{v=\"ninf\"} -Inf\n"))
        #expect(text.contains("special{v=\"inf\"} +Inf\n"))
        #expect(text.contains("good_metric 1\n"))
    }

    @Test func tenThousandFiles() throws {
        let directory = try Self.directory { directory in
            for index in 0..<10_000 {
                try directory.write("job-\(index).prom", "# TYPE job_last_success gauge\njob_last_success{job=\"\(index)\"} \(index)\n")
            }
            try directory.write("job-broken.prom", "job_last_success{job=\"broken\"\n")
        }
        let run = try TextfileRun([directory.path])
        Self.expectOnly("job-broken.prom", failedIn: run, of: directory, reason: "failed to parse textfile data")
        #expect(run.scalars("job_last_success").count == 10_000)
        #expect(run.readFiles.count == 10_001)
    }

    /// Every series with its own label name: node_exporter would give each of the 20 000
    /// series all 20 000 names (4 * 10^8 labels).
    @Test func labelNameExplosionIsRefused() throws {
        let directory = try Self.directory { directory in
            let lines = (0..<20_000).map { "exploding{label_\($0)=\"x\"} 1\n" }
            try directory.write("exploding.prom", lines.joined())
        }
        let run = try TextfileRun([directory.path])
        Self.expectOnly("exploding.prom", failedIn: run, of: directory, reason: "20000 series and 20000 label names")
    }

    /// A file just under the 16 MiB limit is read and served whole.
    @Test func fileJustUnderTheLimitIsServed() throws {
        let line = "big_family{instance=\"host-000000\",job=\"batch\"} 123456789\n"
        let count = (16 * 1024 * 1024 - 100) / line.utf8.count
        let directory = try Self.directory { directory in
            var text = ""
            text.reserveCapacity(count * line.utf8.count)
            for index in 0..<count {
                let number = String(index)
                text += "big_family{instance=\"host-" + String(repeating: "0", count: 6 - number.count) + number + "\",job=\"batch\"} 123456789\n"
            }
            try directory.write("big.prom", text)
        }
        let run = try TextfileRun([directory.path])
        #expect(run.scrapeError == 0)
        #expect(run.scalars("big_family").count == count)
    }

    /// Rewritten in place while being read: the changed size or mtime is seen and the
    /// file read again, so the new version is served whole.
    @Test func rewrittenInPlaceDuringTheReadIsReadAgain() throws {
        let directory = try Self.directory { try $0.write("growing.prom", "growing 1\n") }
        let rewrites = Mutex(0)
        let run = try TextfileRun([directory.path], afterReading: { path in
            guard path.hasSuffix("/growing.prom"), rewrites.withLock({ $0 += 1; return $0 }) == 1 else { return }
            let descriptor = open(path, O_WRONLY | O_APPEND)
            _ = "growing_more 2\n".withCString { Glibc.write(descriptor, $0, 15) }
            close(descriptor)
        })
        #expect(run.scrapeError == 0)
        #expect(run.scalars("growing").map(\.value) == [1])
        #expect(run.scalars("growing_more").map(\.value) == [2])
    }

    /// A file that changes on every read is given up, not served half.
    @Test func fileThatNeverStopsChangingIsSkipped() throws {
        let directory = try Self.directory { try $0.write("busy.prom", "busy 1\n") }
        let run = try TextfileRun([directory.path], afterReading: { path in
            guard path.hasSuffix("/busy.prom") else { return }
            let descriptor = open(path, O_WRONLY | O_APPEND)
            _ = "busy 1\n".withCString { Glibc.write(descriptor, $0, 7) }
            close(descriptor)
        })
        Self.expectOnly("busy.prom", failedIn: run, of: directory, reason: "changed while being read")
    }

    /// Replaced by rename while being read: the old version was whole, but the newer
    /// one is served.
    @Test func replacedByRenameDuringTheReadServesTheNewVersion() throws {
        let directory = try Self.directory { try $0.write("job.prom", "job_version 1\n") }
        let replaced = Mutex(false)
        let run = try TextfileRun([directory.path], afterReading: { path in
            guard path.hasSuffix("/job.prom"), replaced.withLock({ let first = !$0; $0 = true; return first }) else { return }
            try? directory.write("job.prom", "job_version 2\n")
        })
        #expect(run.scrapeError == 0)
        #expect(run.scalars("job_version").map(\.value) == [2])
    }
}

/// setfsuid(2), which the Glibc module does not import, looked up in the C library.
enum FilesystemUID {
    typealias Setter = @convention(c) (UInt32) -> Int32
    static let setter: Setter? = {
        guard let library = dlopen(nil, RTLD_NOW), let symbol = dlsym(library, "setfsuid") else { return nil }
        return unsafeBitCast(symbol, to: Setter.self)
    }()
}
