// libFuzzer entry point for the textfile collector's content rules (see README.md):
// the input is split at NUL bytes into up to four drop-in files, which go through
// TextfileContent.families and TextfileScrape as in a scrape. Besides crashes, it
// checks what the collector promises: no duplicate series, no family named like the
// collector's own, every family with a HELP text.
// Compiled in one module with Sources/LanternCollectors/Textfile/TextfileMerge.swift.

import LanternMetrics

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTextfileContent(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let files = UnsafeBufferPointer(start: data, count: size).split(separator: 0, maxSplits: 3, omittingEmptySubsequences: false)
    var scrape = TextfileScrape()
    for (index, content) in files.enumerated() {
        let file = "dir/\(index).prom"
        do {
            scrape.add(try TextfileContent.families(in: Array(content), file: file), from: file)
        } catch {
            scrape.fail(file, name: "\(index).prom", reason: "\(error)")
        }
    }
    for family in scrape.mergedFamilies() {
        precondition(!TextfileContent.reservedNames.contains(family.name), "reserved name \(family.name) served")
        precondition(!family.help.isEmpty, "family \(family.name) without HELP")
        precondition(Set(family.metrics.map(\.labels)).count == family.metrics.count, "duplicate series in \(family.name)")
    }
    return 0
}
