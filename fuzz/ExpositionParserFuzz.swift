// libFuzzer entry point for the exposition parser: see README.md for the build command.
// Compiled in one module with the parser and model sources, so no import is needed.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpositionParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for format in [ExpositionFormat.prometheusText, .openMetrics] {
        // Both levels: the streaming one alone, then grouping into families.
        var parser = ExpositionParser(bytes: bytes, format: format)
        while let entry = try? parser.next() {
            if case .sample = entry { _ = parser.labels() }
        }
        _ = try? ExpositionParser.metricFamilies(in: bytes, format: format)
    }
    return 0
}
