import Glibc
import LanternCollectors
import Testing
import LanternSupport

@Suite struct SysfsParserTests {
    @Test func isolatedFixture() throws {
        let isolated = try KernelFile.parse(Fixtures.root + "/sys/devices/system/cpu/isolated", with: SysfsCPU.parseCPUList)
        #expect(isolated == [1, 3, 4, 5, 9])
    }

    @Test func cpuLists() throws {
        #expect(try SysfsCPU.parseCPUList("\n") == [])
        #expect(try SysfsCPU.parseCPUList("0-3\n") == [0, 1, 2, 3])
        #expect(try SysfsCPU.parseCPUList("7") == [7])
    }

    @Test(arguments: ["a", "1-2-3", "70000", "1,,2", "-4"])
    func malformedCPUListIsAClearError(input: String) {
        #expect(throws: KernelParseError.self) { _ = try SysfsCPU.parseCPUList(input) }
    }

    @Test func cpuDirectoriesFollowGlobOrder() {
        let names = SysfsCPU.cpuDirectories(sysfsCPU: Fixtures.root + "/sys/devices/system/cpu")
        #expect(names == ["cpu0", "cpu1", "cpu2", "cpu3"])
        #expect(SysfsCPU.cpuDirectories(sysfsCPU: "/nonexistent/lantern").isEmpty)
    }

    @Test func clocksourceFixture() throws {
        let sources = try ClockSource.readAll(directory: Fixtures.root + "/sys/devices/system/clocksource")
        #expect(sources == [ClockSource(name: "clocksource0", available: ["tsc", "hpet", "acpi_pm"], current: "tsc")])
    }

    @Test func onlineStates() throws {
        #expect(try SysfsCPU.parseOnline("1\n"))
        #expect(try !SysfsCPU.parseOnline("0\n"))
        #expect(throws: KernelParseError.self) { _ = try SysfsCPU.parseOnline("yes") }
    }
}

@Suite struct KernelFileTests {
    @Test func missingFileNamesThePath() {
        #expect {
            _ = try KernelFile.read("/nonexistent/lantern/stat")
        } throws: { error in
            guard let error = error as? KernelFileError else { return false }
            return error.isNotFound && error.description.hasPrefix("/nonexistent/lantern/stat: open: ")
        }
    }

    @Test func parseErrorsNameThePath() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("loadavg", "garbage\n")
        #expect {
            _ = try KernelFile.parse(scratch.path + "/loadavg", with: LoadAverage.parse)
        } throws: { error in
            "\(error)" == "\(scratch.path)/loadavg: unexpected content \"garbage\""
        }
    }

    @Test func readsFilesLargerThanOneChunk() throws {
        let scratch = try ScratchDirectory()
        let content = String(repeating: "0123456789abcdef", count: 1000)
        try scratch.write("big", content)
        #expect(try KernelFile.read(scratch.path + "/big") == content)
    }

    /// Attributes are read in one read(2) when shorter than the buffer; longer content
    /// (4097 bytes, the buffer exactly, and more) must still come whole.
    @Test(arguments: [0, 5, 4096, 4097, 4098, 16000])
    func attributesOfEveryLengthComeWhole(length: Int) throws {
        let scratch = try ScratchDirectory()
        let content = String((0..<length).map { _ in "x" })
        try scratch.write("attribute", content + "\n")
        #expect(try KernelFile.attribute(scratch.path + "/attribute") == content)
        #expect(try KernelFile.readableAttributes(["attribute"], of: scratch.path) == [content])
    }

    /// Attributes are trimmed as bytes before they are decoded: the value must be what
    /// decoding and then trimming gives, also with invalid UTF-8 next to the whitespace
    /// and with only whitespace.
    @Test(arguments: [
        Array(" \t 1500 \n".utf8), Array("\n\r\u{0B}\u{0C}".utf8), [0x20, 0xC3, 0x20, 0x0A], [0xE2, 0x82, 0x0A],
        Array(" é ü\u{85}\n".utf8), Array("up".utf8), [],
    ])
    func attributesAreTrimmedAsDecodedText(bytes: [UInt8]) throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path + "/attribute"
        let descriptor = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0o644)
        #expect(descriptor >= 0)
        #expect(bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) } == bytes.count)
        close(descriptor)
        let expected = String(String(decoding: bytes, as: UTF8.self).trimmingASCIISpaceForTest())
        #expect(try KernelFile.attribute(path) == expected)
        #expect(try KernelFile.readableAttributes(["attribute"], of: scratch.path) == [expected])
    }

    @Test func readableAttributesLeaveOutWhatCannotBeRead() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("mtu", "1500\n")
        try scratch.write("queues/rx-0", "x")
        let attributes = try KernelFile.readableAttributes(["mtu", "absent", "queues"], of: scratch.path)
        #expect(attributes == ["1500", nil, nil])
        #expect {
            _ = try KernelFile.readableAttributes(["mtu"], of: scratch.path + "/gone")
        } throws: { error in
            (error as? KernelFileError)?.isNotFound == true
        }
    }

    /// Listings come from getdents(2) with the entry's own type (a link is a link, whatever
    /// it points to), sorted, without `.` and `..`; the same names `entries` and the count
    /// `countEntries` give.
    @Test func typedEntriesReportEachEntrysOwnType() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("dir/inner", "x")
        try scratch.write("file", "x")
        #expect(symlink(scratch.path + "/dir", scratch.path + "/linkToDir") == 0)
        #expect(symlink(scratch.path + "/file", scratch.path + "/linkToFile") == 0)
        #expect(symlink(scratch.path + "/absent", scratch.path + "/dangling") == 0)
        defer { for link in ["linkToDir", "linkToFile", "dangling"] { unlink(scratch.path + "/" + link) } }
        let entries = try KernelFile.typedEntries(of: scratch.path)
        #expect(entries.map(\.name) == ["dangling", "dir", "file", "linkToDir", "linkToFile"])
        #expect(entries.map(\.type) == [UInt8(DT_LNK), UInt8(DT_DIR), UInt8(DT_REG), UInt8(DT_LNK), UInt8(DT_LNK)])
        #expect(try KernelFile.entries(of: scratch.path) == entries.map(\.name))
        #expect(try KernelFile.countEntries(of: scratch.path) == 5)
        #expect(try KernelFile.entries(of: scratch.path + "/dir") == ["inner"])
    }

    /// A directory whose records do not fit one getdents(2) buffer (4 KiB) is listed whole.
    @Test func largeDirectoriesAreListedWhole() throws {
        let scratch = try ScratchDirectory()
        let names = (0..<400).map { "entry-with-a-long-name-\($0)" }
        for name in names { try scratch.write(name, "") }
        #expect(try KernelFile.entries(of: scratch.path) == names.sorted { $0.utf8Precedes($1) })
        #expect(try KernelFile.countEntries(of: scratch.path) == 400)
    }

    /// A missing directory and a file are errors with opendir's errno and wording, as
    /// when listings went through opendir(3).
    @Test func listingErrorsKeepTheirErrno() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("file", "x")
        for (path, code) in [(scratch.path + "/absent", ENOENT), (scratch.path + "/file", ENOTDIR)] {
            #expect {
                _ = try KernelFile.typedEntries(of: path)
            } throws: { error in
                guard let error = error as? KernelFileError else { return false }
                return error.errno == code && error.description.hasPrefix(path + ": opendir: ")
            }
            #expect(throws: KernelFileError.self) { _ = try KernelFile.countEntries(of: path) }
        }
    }

    @Test func readUIntTrimsAndValidates() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("good", " 42\n")
        try scratch.write("bad", "4x2\n")
        #expect(try KernelFile.readUInt(scratch.path + "/good") == 42)
        #expect(throws: KernelFileError.self) { _ = try KernelFile.readUInt(scratch.path + "/bad") }
    }
}

private extension String {
    /// Go's `strings.TrimSpace` as far as procfs's ASCII-only use of it goes, over the
    /// decoded text (the reference the byte-wise trimming must agree with).
    func trimmingASCIISpaceForTest() -> Substring {
        let space: Set<Character> = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\r\n"]
        var text = self[...]
        while let first = text.first, space.contains(first) { text = text.dropFirst() }
        while let last = text.last, space.contains(last) { text = text.dropLast() }
        return text
    }
}
