import LanternCollectors
import Testing

@Suite struct ProcStatParserTests {
    @Test func fixture() throws {
        let stat = try ProcStat.parse(Fixtures.read("proc/stat"))
        #expect(stat.perCPU.count == 8)
        let cpu0 = try #require(stat.perCPU[0])
        #expect(cpu0.user == 444.9)
        #expect(cpu0.idle == 10870.69)
        #expect(cpu0.guest == 0.02)
        #expect(cpu0.guestNice == 0.01)
        #expect(stat.cpuTotal.user == 3018.54)
        #expect(stat.bootTime == 1418183276)
        #expect(stat.interruptsTotal == 8885917)
        #expect(stat.contextSwitches == 38014093)
        #expect(stat.processesCreated == 26442)
        #expect(stat.processesRunning == 2)
        #expect(stat.processesBlocked == 0)
        #expect(stat.softIRQ.total == 5057579)
        #expect(stat.softIRQ.perVector == [250191, 1481983, 1647, 211099, 186066, 0, 1783454, 622196, 12499, 508444])
    }

    @Test func olderKernelsWithFewerColumnsLeaveTheRestAtZero() throws {
        let stat = try ProcStat.parse("cpu0 100 200 300 400\n")
        let cpu0 = try #require(stat.perCPU[0])
        #expect(cpu0.idle == 4)
        #expect(cpu0.steal == 0 && cpu0.guest == 0)
    }

    @Test(arguments: [
        ("cpu0 12 abc 3\n", "cpu0 ticks"),
        ("btime soon\n", "btime"),
        ("ctxt -5\n", "ctxt"),
        ("processes 99999999999999999999999\n", "processes"),
        ("softirq 1 2 3\n", "softirq"),
        ("cpuX 1 2 3\n", "cpuX"),
    ])
    func malformedInputIsAClearError(input: String, mention: String) {
        #expect {
            _ = try ProcStat.parse(input)
        } throws: { error in
            "\(error)".contains(mention)
        }
    }

    /// Tick counts that are not plain digits are read as `Double` reads them; lines may
    /// end in "\r" and have runs of blanks, as Go's `strings.Fields` allows.
    @Test func ticksThatAreNotPlainDigitsReadAsDouble() throws {
        let stat = try ProcStat.parse("cpu  1e2\t0.5 +3 0012\r\ncpu1 1 2\nintr 7 1 2 3\n")
        #expect(stat.cpuTotal.user == 1 && stat.cpuTotal.nice == 0.005 && stat.cpuTotal.system == 0.03 && stat.cpuTotal.idle == 0.12)
        #expect(stat.perCPU[1]?.nice == 0.02)
        #expect(stat.interruptsTotal == 7)
    }

    /// A key is a cpu line when it starts with the characters `cpu`: a combining accent on
    /// the `u` makes another character (skipped), any other letter an invalid cpu name.
    @Test func cpuKeysAreMatchedAsCharacters() throws {
        #expect(try ProcStat.parse("cpu\u{301}0 1 2\n").perCPU.isEmpty)
        #expect(throws: KernelParseError("invalid cpu name \"cpu\u{E9}\"")) { _ = try ProcStat.parse("cpu\u{E9} 1 2\n") }
    }

    @Test func keyWithoutValueIsSkipped() throws {
        let stat = try ProcStat.parse("ctxt\nbtime 5\n")
        #expect(stat.contextSwitches == 0)
        #expect(stat.bootTime == 5)
    }
}

@Suite struct MeminfoParserTests {
    @Test func fixture() throws {
        let entries = try Meminfo.parse(Fixtures.read("proc/meminfo"))
        #expect(entries.first == MeminfoEntry(key: "MemTotal", value: 3742148, inKibibytes: true))
        #expect(entries.contains(MeminfoEntry(key: "Active(anon)", value: 2020004, inKibibytes: true)))
        #expect(entries.contains(MeminfoEntry(key: "HugePages_Total", value: 0, inKibibytes: false)))
        #expect(entries.count == 42)
    }

    @Test(arguments: ["MemTotal: lots kB\n", "MemTotal: 1 kB extra\n", "MemTotal:\n", "MemTotal 5 kB\n", "MemFree: -1 kB\n"])
    func malformedLineIsAClearError(input: String) {
        #expect(throws: KernelParseError.self) { _ = try Meminfo.parse(input) }
    }

    @Test func emptyLinesAndEmptyFile() throws {
        #expect(try Meminfo.parse("").isEmpty)
        #expect(try Meminfo.parse("\nMemFree: 1 kB\n\n").count == 1)
    }
}

@Suite struct LoadAverageParserTests {
    @Test func fixture() throws {
        let load = try LoadAverage.parse(Fixtures.read("proc/loadavg"))
        #expect(load == LoadAverage(load1: 0.21, load5: 0.37, load15: 0.39))
    }

    @Test(arguments: ["", "0.1 0.2\n", "a b c 1/2 3\n"])
    func malformedInputIsAClearError(input: String) {
        #expect(throws: KernelParseError.self) { _ = try LoadAverage.parse(input) }
    }
}

@Suite struct CPUInfoParserTests {
    @Test func fixture() throws {
        let processors = try CPUInfo.parse(Fixtures.read("proc/cpuinfo"))
        #expect(processors.count == 8)
        let first = try #require(processors.first)
        #expect(first.processor == 0)
        #expect(first.vendorID == "GenuineIntel")
        #expect(first.modelName == "Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz")
        #expect(first.cacheSize == "8192 KB")
        #expect(first.megahertz == 799.998)
        #expect(first.flags.contains("constant_tsc"))
        #expect(first.bugs == ["cpu_meltdown", "spectre_v1", "spectre_v2", "spec_store_bypass", "l1tf", "mds", "swapgs"])
        #expect(processors.map(\.coreID) == ["0", "1", "2", "3", "0", "1", "2", "3"])
    }

    @Test(arguments: ["vendor_id\t: GenuineIntel\n", "processor\t: first\n", "processor\t: 0\ncpu MHz\t\t: fast\n"])
    func malformedInputIsAClearError(input: String) {
        #expect(throws: KernelParseError.self) { _ = try CPUInfo.parse(input) }
    }

    @Test func emptyValuesAreKept() throws {
        let processors = try CPUInfo.parse("processor\t: 3\nflags\t\t:\nmodel name\t:\n")
        #expect(processors.first?.processor == 3)
        #expect(processors.first?.flags == [])
        #expect(processors.first?.modelName == "")
    }
}

/// No input, however broken, may crash a parser: only values or ParseErrors come out.
@Suite struct ParserRobustnessTests {
    @Test func arbitraryBytesNeverCrash() {
        var generator = SplitMix64(seed: 0x5eed)
        let alphabet = Array("0123456789 \t\n:-,.()abcxkB-+eE\u{0}\u{FFFD}cpuintrsoftirqprocessor")
        for _ in 0..<2000 {
            let length = Int(generator.next() % 120)
            let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            _ = try? ProcStat.parse(text)
            _ = try? Meminfo.parse(text)
            _ = try? LoadAverage.parse(text)
            _ = try? CPUInfo.parse(text)
            _ = try? SysfsCPU.parseCPUList(text)
            _ = try? SysfsCPU.parseOnline(text)
        }
    }
}

/// A tiny deterministic generator, so that failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
