import Glibc
import LanternSupport
import Testing
@testable import LanternMetrics

/// Inputs that fuzzing and probing of the parser turned up (docs/fuzzing.md), replayed
/// through both formats at both levels, as the fuzz target runs them.
@Suite struct FuzzRegressionTests {
    /// fuzz/regressions/ of this repository (the test folder may be a symlink).
    static let regressionsDirectory: String = {
        var directory = realPath(#filePath)
        while !directory.isEmpty && directory != "/" {
            directory = String(directory[..<(directory.lastIndex(of: "/") ?? directory.startIndex)])
            if access(directory + "/fuzz/regressions", F_OK) == 0 { return directory + "/fuzz/regressions" }
        }
        return "fuzz/regressions"
    }()

    private static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static var regressionFiles: [String] {
        ((try? KernelFile.entries(of: regressionsDirectory)) ?? []).map { regressionsDirectory + "/" + $0 }
    }

    /// What the fuzz target does with one input: it must return, whatever the input.
    static func replay(_ bytes: [UInt8]) {
        for format in [ExpositionFormat.prometheusText, .openMetrics] {
            var parser = ExpositionParser(bytes: bytes, format: format)
            while let entry = try? parser.next() {
                if case .sample = entry { _ = parser.labels() }
            }
            _ = try? ExpositionParser.metricFamilies(in: bytes, format: format)
        }
    }

    @Test func everyKeptInputReplays() throws {
        let files = Self.regressionFiles
        #expect(!files.isEmpty, "no inputs in \(Self.regressionsDirectory)")
        for file in files {
            Self.replay(Array(try KernelFile.read(file).utf8))
        }
    }

    // Probe finding 1: the duplicate-label check scanned every earlier label of the
    // series, quadratic in the label count (a 20 000-label line took 30 s under ASan).
    // Beyond 16 labels a set is used: these check that it finds what the scan found.

    static func series(labels count: Int, then extra: String = "") -> [UInt8] {
        let labels = (0..<count).map { "l\($0)=\"v\($0)\"" }.joined(separator: ",")
        return Array("many{\(labels)\(extra)} 1\n".utf8)
    }

    @Test func longLabelSetWithoutDuplicatesParses() throws {
        let families = try ExpositionParser.metricFamilies(in: Self.series(labels: 20_000), format: .prometheusText)
        #expect(families.first?.metrics.first?.labels.count == 20_000)
    }

    @Test(arguments: [ExpositionFormat.prometheusText, .openMetrics])
    func duplicateBeyondTheScanLimitIsFound(format: ExpositionFormat) {
        // l3 again after 40 labels: found through the set built from the first ones.
        var input = Self.series(labels: 40, then: ",l3=\"again\"")
        if format == .openMetrics { input += Array("# EOF\n".utf8) }
        #expect(throws: ParseError.self) { try ExpositionParser.metricFamilies(in: input, format: format) }
        do {
            _ = try ExpositionParser.metricFamilies(in: input, format: format)
        } catch {
            #expect(error.message == "duplicate label names for metric \"many\"")
        }
    }

    @Test func duplicateAmongTheLastOfALongSetIsFound() {
        let input = Self.series(labels: 100, then: ",x=\"1\",x=\"2\"")
        #expect(throws: ParseError.self) { try ExpositionParser.metricFamilies(in: input, format: .prometheusText) }
    }

    @Test func duplicateAtTheScanLimitIsFound() {
        // The 17th label repeats the first: the set is built exactly at the limit.
        let limit = ExpositionParser.linearDuplicateCheckLimit
        let input = Self.series(labels: limit, then: ",l0=\"again\"")
        #expect(throws: ParseError.self) { try ExpositionParser.metricFamilies(in: input, format: .prometheusText) }
    }

    // Probe finding 2: each bucket (quantile) appended to a histogram (summary) copied all
    // earlier ones, because the series still held them: 100 000 buckets took 230 s.

    @Test func histogramWithManyBucketsKeepsEveryBucket() throws {
        let buckets = (0..<100_000).map { "big_bucket{le=\"\($0)\"} \($0)\n" }.joined()
        let input = Array("# TYPE big histogram\n\(buckets)big_count 100000\nbig_sum 5\n".utf8)
        let family = try #require(try ExpositionParser.metricFamilies(in: input, format: .prometheusText).first)
        guard case .histogram(let histogram) = family.metrics.first?.value else {
            Issue.record("not a histogram: \(family)")
            return
        }
        #expect(histogram.buckets.count == 100_000)
        #expect(histogram.buckets.last == .init(upperBound: 99_999, cumulativeCount: 99_999))
        #expect(histogram.count == 100_000)
        #expect(histogram.sum == 5)
    }

    @Test func summaryWithManyQuantilesKeepsEveryQuantile() throws {
        let quantiles = (0..<100_000).map { "big{quantile=\"0.\($0)\"} \($0)\n" }.joined()
        let input = Array("# TYPE big summary\n\(quantiles)big_count 3\nbig_sum 5\n".utf8)
        let family = try #require(try ExpositionParser.metricFamilies(in: input, format: .prometheusText).first)
        guard case .summary(let summary) = family.metrics.first?.value else {
            Issue.record("not a summary: \(family)")
            return
        }
        #expect(summary.quantiles.count == 100_000)
        #expect(summary.count == 3)
    }
}
