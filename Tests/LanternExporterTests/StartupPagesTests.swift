import Foundation
import Glibc
@testable import LanternSupport
import Testing

@Suite("Exporter start-up page release")
struct StartupPagesTests {
    typealias Segment = StartupPages.Segment

    /// The program headers of an lld-linked PIE (lantern-exporter, release): a read-only
    /// segment, the code, RELRO + data, BSS, and headers that map nothing themselves.
    static let executableHeaders = [
        Segment(type: UInt32(PT_PHDR), flags: UInt32(PF_R), virtualAddress: 0x40, memorySize: 0x268),
        Segment(type: UInt32(PT_LOAD), flags: UInt32(PF_R), virtualAddress: 0, memorySize: 0x5fa5f0),
        Segment(type: UInt32(PT_LOAD), flags: UInt32(PF_R | PF_X), virtualAddress: 0x5fb600, memorySize: 0xb37940),
        Segment(type: UInt32(PT_LOAD), flags: UInt32(PF_R | PF_W), virtualAddress: 0x1133f40, memorySize: 0x7c0c0),
        Segment(type: UInt32(PT_LOAD), flags: UInt32(PF_R | PF_W), virtualAddress: 0x11b1000, memorySize: 0x2771b0),
        Segment(type: UInt32(PT_GNU_RELRO), flags: UInt32(PF_R), virtualAddress: 0x1133f40, memorySize: 0x7c0c0),
        Segment(type: UInt32(PT_DYNAMIC), flags: UInt32(PF_R | PF_W), virtualAddress: 0x11a8000, memorySize: 0x270),
        Segment(type: UInt32(PT_LOAD), flags: UInt32(PF_R), virtualAddress: 0x1500000, memorySize: 0),
    ]

    @Test func onlyReadOnlyLoadSegmentsWidenedToPages() {
        let bias: UInt = 0x5555_0000_0000
        let ranges = StartupPages.releasableRanges(Self.executableHeaders, loadBias: bias, pageSize: 4096, hasTextRelocations: false)
        #expect(ranges == [
            bias..<(bias + 0x5fb000),
            (bias + 0x5fb000)..<(bias + 0x1133000),
        ])
    }

    @Test func nothingFromAnObjectWithTextRelocations() {
        #expect(StartupPages.releasableRanges(Self.executableHeaders, loadBias: 0x1000, pageSize: 4096, hasTextRelocations: true).isEmpty)
    }

    @Test func textRelocationsFromTheDynamicSection() {
        func entries(_ tags: [(Int32, UInt64)]) -> [Elf64_Dyn] {
            (tags + [(Int32(DT_NULL), 0)]).map { tag, value in
                var entry = Elf64_Dyn()
                entry.d_tag = Int64(tag)
                entry.d_un.d_val = value
                return entry
            }
        }
        let plain = entries([(Int32(DT_NEEDED), 1), (Int32(DT_FLAGS), UInt64(DF_BIND_NOW))])
        let textrel = entries([(Int32(DT_NEEDED), 1), (Int32(DT_TEXTREL), 0)])
        let flagged = entries([(Int32(DT_FLAGS), UInt64(DF_BIND_NOW | DF_TEXTREL))])
        #expect(!plain.withUnsafeBufferPointer { StartupPages.hasTextRelocations($0.baseAddress) })
        #expect(textrel.withUnsafeBufferPointer { StartupPages.hasTextRelocations($0.baseAddress) })
        #expect(flagged.withUnsafeBufferPointer { StartupPages.hasTextRelocations($0.baseAddress) })
        #expect(!StartupPages.hasTextRelocations(nil))
    }

    /// In this very process: the file-backed resident set shrinks, and the code that was
    /// dropped runs again (faulted back in from the page cache) with the same results.
    @Test func releasingDropsFilePagesAndTheProcessKeepsWorking() throws {
        let before = try Self.residentFileKilobytes()
        let expected = (0..<1000).map { String($0, radix: 16) }.joined(separator: ",")
        let released = StartupPages.release()
        let after = try Self.residentFileKilobytes()
        #expect(released.objects >= 2)
        #expect(released.bytes > 0)
        #expect(after < before, "RssFile \(before) kB before, \(after) kB after")
        #expect((0..<1000).map { String($0, radix: 16) }.joined(separator: ",") == expected)
    }

    static func residentFileKilobytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("RssFile:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }
}
