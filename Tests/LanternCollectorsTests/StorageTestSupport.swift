import LanternMetrics
import Testing

/// Compares what `collector` exposes for the families `families` selects with
/// e2e-output.txt: help and type per family, then every series and value.
func expectStorageParity(_ collector: String, families: (String) -> Bool) throws {
    let expected = try Exposition.expected(families: families)
    var actual = Exposition.collected(from: try scrape(collector))
    actual.headers = actual.headers.filter { families($0.key) }
    #expect(!expected.samples.isEmpty)
    #expect(actual.headers == expected.headers)
    for missing in Set(expected.samples).subtracting(actual.samples).sorted() { Issue.record("missing \(missing)") }
    for extra in Set(actual.samples).subtracting(expected.samples).sorted() { Issue.record("unexpected \(extra)") }
}
