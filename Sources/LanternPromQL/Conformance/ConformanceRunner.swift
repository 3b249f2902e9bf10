import LanternMetrics
import LanternSupport

/// Runs promqltest scripts against the engine, the way Prometheus's own runner judges
/// them: unordered comparison unless `expect ordered`, a relative tolerance of 1e-6,
/// annotations checked only where `expect` lines ask, every instant query re-run as a
/// range query around its time and with `@`-pinned selectors at other times.
/// Native-histogram and experimental cases are skipped.
public struct ConformanceRunner {
    public struct Report: Sendable {
        public var passed = 0
        public var failed = 0
        public var skipped: Int { skippedExperimental + skippedNativeHistograms }
        /// Cases needing a Prometheus feature flag (experimental functions, duration expressions...).
        public var skippedExperimental = 0
        /// Cases whose data or expected result holds native histograms.
        public var skippedNativeHistograms = 0
        /// One line per failed case: script line, query and what differed.
        public var failures: [String] = []

        public init() {}

        public mutating func add(_ other: Report) {
            passed += other.passed
            failed += other.failed
            skippedExperimental += other.skippedExperimental
            skippedNativeHistograms += other.skippedNativeHistograms
            failures += other.failures
        }

        public var summary: String { "\(passed) passed, \(failed) failed, \(skipped) skipped" }
    }

    private enum Outcome {
        case passed
        case failed(String)
        case skippedExperimental
        case skippedNativeHistograms
    }

    private let engine: Engine

    public init(options: EngineOptions = EngineOptions()) {
        engine = Engine(options: options)
    }

    /// Runs the script at `path` (what `lantern-server promql-test FILE...` does per file).
    public func run(file path: String) throws(KernelFileError) -> Report {
        run(script: try KernelFile.read(path))
    }

    /// Runs one script's text; a script that does not parse counts as one failure.
    public func run(script text: String) -> Report {
        var report = Report()
        let script: TestScript
        do {
            script = try TestScript(text)
        } catch {
            report.failed = 1
            report.failures = ["script does not parse: \(error)"]
            return report
        }
        let storage = HistogramTrackingStorage()
        for command in script.commands {
            switch command {
            case .clear: storage.removeAll()
            case .load(let load): ConformanceRunner.apply(load, to: storage)
            case .eval(let eval):
                switch run(eval, storage) {
                case .passed: report.passed += 1
                case .skippedExperimental: report.skippedExperimental += 1
                case .skippedNativeHistograms: report.skippedNativeHistograms += 1
                case .failed(let reason):
                    report.failed += 1
                    report.failures.append("line \(eval.line): \(eval.query): \(reason)")
                }
            }
        }
        return report
    }

    private static func apply(_ load: TestScript.Load, to storage: HistogramTrackingStorage) {
        for series in load.series {
            if series.hasHistograms { storage.addHistogramSeries(series.labels) }
            for (index, value) in series.values.enumerated() {
                let time = Int64(index) * load.interval
                switch value {
                case .omitted: continue
                case .stale: storage.floats.append(series.labels, Point(time, StaleMarker.value))
                case .number(let number): storage.floats.append(series.labels, Point(time, number))
                }
            }
            // load_with_nhcb adds a native histogram named after the classic one's base name.
            let name = series.labels.value(Labels.metricName)
            if load.withNativeHistograms, let suffix = ["_bucket", "_count", "_sum"].first(where: { name.hasSuffix($0) }) {
                var base = series.labels.removing(["le"])
                base.set(Labels.metricName, String(name.dropLast(suffix.count)))
                storage.addHistogramSeries(base)
            }
        }
    }

    private func run(_ eval: TestScript.Eval, _ storage: HistogramTrackingStorage) -> Outcome {
        if eval.expectsHistograms { return .skippedNativeHistograms }
        let expr: Expr
        do {
            expr = try Parser.parse(eval.query)
        } catch {
            if error.isExperimentalFeature { return .skippedExperimental }
            return checkFailure(eval, message: error.description)
        }
        _ = storage.takeTouchedHistograms()
        var outcome = evaluate(expr, at: eval.start, eval, storage)
        if case .passed = outcome, !eval.isRange, let (pinned, times) = AtModifierVariants.variants(of: expr, at: eval.start) {
            for time in times {
                outcome = evaluate(pinned, at: time, eval, storage)
                if case .failed(let reason) = outcome {
                    outcome = .failed("with @ \(eval.start)ms evaluated at \(time)ms: \(reason)")
                    break
                }
            }
        }
        return storage.takeTouchedHistograms() ? .skippedNativeHistograms : outcome
    }

    /// Runs `expr` as the case says; instant queries run at `time`.
    private func evaluate(_ expr: Expr, at time: Int64, _ eval: TestScript.Eval, _ storage: HistogramTrackingStorage) -> Outcome {
        let result: QueryResult
        do {
            result = eval.isRange
                ? try engine.rangeQuery(expr, start: eval.start, end: eval.end, step: eval.step, storage: storage)
                : try engine.instantQuery(expr, at: time, storage: storage)
        } catch {
            return checkFailure(eval, message: error.description)
        }
        if !eval.expects(.fail).isEmpty { return .failed("expected an error, got none") }
        if let problem = checkAnnotations(eval, result.annotations) { return .failed(problem) }
        if let problem = compare(result.value, eval) { return .failed(problem) }
        return eval.isRange ? .passed : checkRangeMode(expr, at: time, eval, storage, instant: result.value)
    }

    private func checkFailure(_ eval: TestScript.Eval, message: String) -> Outcome {
        let expectations = eval.expects(.fail)
        guard let first = expectations.first else { return .failed("unexpected error: \(message)") }
        if let pattern = first.message, !ConformanceRunner.matches(pattern, message) {
            return .failed("expected error \(pattern), got: \(message)")
        }
        return .passed
    }

    private static func matches(_ pattern: TestScript.MessagePattern, _ message: String) -> Bool {
        switch pattern {
        case .exact(let expected): return expected == message
        case .regex(let regex): return (try? Regex(regex).firstMatch(in: message)) != nil
        }
    }

    private func checkAnnotations(_ eval: TestScript.Eval, _ annotations: [Annotation]) -> String? {
        let warnings = annotations.filter { $0.severity == .warning }.map(\.message)
        let infos = annotations.filter { $0.severity == .info }.map(\.message)
        for (kind, actual) in [(TestScript.Expectation.Kind.warn, warnings), (.info, infos)] {
            let expected = eval.expects(kind)
            guard !expected.isEmpty else { continue }
            if actual.isEmpty { return "expected \(kind.rawValue) annotations, got none" }
            for expectation in expected {
                if let pattern = expectation.message, !actual.contains(where: { ConformanceRunner.matches(pattern, $0) }) {
                    return "no \(kind.rawValue) annotation matches \(pattern); got \(actual)"
                }
            }
            for message in actual where !expected.contains(where: { $0.message.map { ConformanceRunner.matches($0, message) } ?? true }) {
                return "unexpected \(kind.rawValue) annotation \(message)"
            }
        }
        if !eval.expects(.noWarn).isEmpty && !warnings.isEmpty { return "unexpected warnings \(warnings)" }
        if !eval.expects(.noInfo).isEmpty && !infos.isEmpty { return "unexpected infos \(infos)" }
        return nil
    }

    /// Prometheus's `almost.Equal`: NaN equals NaN; otherwise a relative tolerance.
    static func almostEqual(_ a: Double, _ b: Double) -> Bool {
        if a.isNaN && b.isNaN { return true }
        if a == b { return true }
        let epsilon = 1e-6, minNormal = Double.leastNormalMagnitude
        let absoluteSum = abs(a) + abs(b), difference = abs(a - b)
        if a == 0 || b == 0 || absoluteSum < minNormal { return difference < epsilon * minNormal }
        return difference / min(absoluteSum, Double.greatestFiniteMagnitude) < epsilon
    }

    private func compare(_ value: QueryValue, _ eval: TestScript.Eval) -> String? {
        switch value {
        case .string(_, let text):
            return text == eval.expectedString ? nil : "expected string \(eval.expectedString ?? "nil"), got \(text)"
        case .scalar(_, let number):
            guard let expected = eval.expectedScalar else { return "expected a vector or matrix, got scalar \(number)" }
            return ConformanceRunner.almostEqual(expected, number) ? nil : "expected scalar \(expected), got \(number)"
        case .vector(let samples):
            if eval.expectedScalar != nil { return "expected a scalar, got a vector" }
            return compareVector(samples, eval)
        case .matrix(let series):
            if eval.expectedScalar != nil { return "expected a scalar, got a matrix" }
            if !eval.expects(.ordered).isEmpty { return "expected ordered result, but query returned a matrix" }
            return compareMatrix(series, eval)
        }
    }

    private func expectedByLabels(_ eval: TestScript.Eval) -> [Labels: (position: Int, values: [SeriesNotation.Value])] {
        var expected: [Labels: (Int, [SeriesNotation.Value])] = [:]
        for (position, series) in eval.expectedSeries.enumerated() { expected[series.labels] = (position, series.values) }
        return expected
    }

    private func compareVector(_ samples: [Sample], _ eval: TestScript.Eval) -> String? {
        let expected = expectedByLabels(eval)
        let ordered = !eval.expects(.ordered).isEmpty
        for (position, sample) in samples.enumerated() {
            guard let entry = expected[sample.labels] else { return "unexpected series \(sample.labels) = \(sample.value)" }
            if ordered && entry.position != position { return "expected \(sample.labels) at position \(entry.position + 1), got \(position + 1)" }
            guard case .number(let value) = entry.values.first, ConformanceRunner.almostEqual(value, sample.value) else {
                return "expected \(entry.values.first.map { "\($0)" } ?? "nothing") for \(sample.labels), got \(sample.value)"
            }
        }
        let seen = Set(samples.map(\.labels))
        if let missing = expected.keys.first(where: { !seen.contains($0) }) { return "expected series \(missing) not found" }
        if seen.count != samples.count { return "duplicate series in result" }
        return nil
    }

    private func compareMatrix(_ series: [Series], _ eval: TestScript.Eval) -> String? {
        let expected = expectedByLabels(eval)
        let (start, step) = eval.expectedRangeVector ?? (eval.start, eval.step)
        for (index, element) in series.enumerated() {
            if index > 0 && element.labels < series[index - 1].labels { return "matrix is not sorted by labels" }
            guard let entry = expected[element.labels] else { return "unexpected series \(element.labels)" }
            var points: [Point] = []
            for (offset, value) in entry.values.enumerated() {
                if case .number(let number) = value { points.append(Point(start + Int64(offset) * step, number)) }
            }
            guard points.count == element.points.count else {
                return "expected \(points.count) points for \(element.labels), got \(element.points.map { "\($0.value)@\($0.timestamp)" })"
            }
            for (want, got) in zip(points, element.points) where want.timestamp != got.timestamp || !ConformanceRunner.almostEqual(want.value, got.value) {
                return "expected \(want.value)@\(want.timestamp) for \(element.labels), got \(got.value)@\(got.timestamp)"
            }
        }
        let seen = Set(series.map(\.labels))
        if let missing = expected.keys.first(where: { !seen.contains($0) }) { return "expected series \(missing) not found" }
        return nil
    }

    /// Prometheus re-runs each instant query as a range query from t-1m to t+1m and
    /// expects the same result at t.
    private func checkRangeMode(_ expr: Expr, at time: Int64, _ eval: TestScript.Eval, _ storage: HistogramTrackingStorage, instant: QueryValue) -> Outcome {
        if eval.expectedRangeVector != nil || eval.expectedString != nil || !eval.expects(.ordered).isEmpty { return .passed }
        let result: QueryResult
        do {
            result = try engine.rangeQuery(expr, start: time - 60_000, end: time + 60_000, step: 60_000, storage: storage)
        } catch {
            return .failed("range mode: \(error)")
        }
        guard case .matrix(let series) = result.value else { return .failed("range mode returned no matrix") }
        let samples = series.compactMap { element in
            element.points.first { $0.timestamp == time }.map { Sample(labels: element.labels, timestamp: $0.timestamp, value: $0.value) }
        }
        let problem: String?
        if case .scalar = instant {
            problem = samples.first.flatMap { compare(.scalar(timestamp: time, value: $0.value), eval) } ?? (samples.isEmpty ? "no scalar" : nil)
        } else {
            problem = compareVector(samples, eval)
        }
        return problem.map { .failed("range mode: \($0)") } ?? .passed
    }
}
