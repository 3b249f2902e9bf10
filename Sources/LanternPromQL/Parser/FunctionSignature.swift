/// A PromQL function's type signature, for the parser's checks.
public struct FunctionSignature: Sendable {
    public let name: String
    public let argTypes: [ValueType]
    /// 0: exactly `argTypes`; n > 0: up to n optional trailing arguments; -1: any number more.
    public let variadic: Int
    public let returnType: ValueType
    /// Experimental in Prometheus (behind a feature flag); Lantern reports them as not enabled.
    public let experimental: Bool

    init(_ name: String, _ argTypes: [ValueType], _ returnType: ValueType = .vector, variadic: Int = 0, experimental: Bool = false) {
        self.name = name
        self.argTypes = argTypes
        self.variadic = variadic
        self.returnType = returnType
        self.experimental = experimental
    }

    static func named(_ name: String) -> FunctionSignature? { catalog[name] }

    private static let catalog: [String: FunctionSignature] = {
        var all: [FunctionSignature] = [
            .init("abs", [.vector]), .init("absent", [.vector]), .init("absent_over_time", [.matrix]),
            .init("ceil", [.vector]), .init("changes", [.matrix]),
            .init("clamp", [.vector, .scalar, .scalar]), .init("clamp_max", [.vector, .scalar]), .init("clamp_min", [.vector, .scalar]),
            .init("count_over_time", [.matrix]), .init("deg", [.vector]), .init("delta", [.matrix]), .init("deriv", [.matrix]),
            .init("exp", [.vector]), .init("floor", [.vector]),
            .init("histogram_quantile", [.scalar, .vector]),
            .init("idelta", [.matrix]), .init("increase", [.matrix]), .init("irate", [.matrix]),
            .init("label_replace", [.vector, .string, .string, .string, .string]),
            .init("label_join", [.vector, .string, .string, .string], variadic: -1),
            .init("last_over_time", [.matrix]), .init("ln", [.vector]), .init("log10", [.vector]), .init("log2", [.vector]),
            .init("max_over_time", [.matrix]), .init("min_over_time", [.matrix]), .init("avg_over_time", [.matrix]),
            .init("sum_over_time", [.matrix]), .init("stddev_over_time", [.matrix]), .init("stdvar_over_time", [.matrix]),
            .init("quantile_over_time", [.scalar, .matrix]), .init("present_over_time", [.matrix]),
            .init("pi", [], .scalar), .init("predict_linear", [.matrix, .scalar]), .init("rad", [.vector]),
            .init("rate", [.matrix]), .init("resets", [.matrix]), .init("round", [.vector, .scalar], variadic: 1),
            .init("scalar", [.vector], .scalar), .init("sgn", [.vector]), .init("sort", [.vector]), .init("sort_desc", [.vector]),
            .init("sqrt", [.vector]), .init("time", [], .scalar), .init("timestamp", [.vector]), .init("vector", [.scalar]),
        ]
        for trig in ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh"] {
            all.append(.init(trig, [.vector]))
        }
        for date in ["day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute", "month", "year"] {
            all.append(.init(date, [.vector], variadic: 1))
        }
        // Native-histogram functions: parsed so queries type-check, evaluated over float
        // samples as Prometheus does (they ignore floats).
        for native in ["histogram_avg", "histogram_count", "histogram_sum", "histogram_stddev", "histogram_stdvar"] {
            all.append(.init(native, [.vector]))
        }
        all.append(.init("histogram_fraction", [.scalar, .scalar, .vector]))
        for experimental in [
            FunctionSignature("double_exponential_smoothing", [.matrix, .scalar, .scalar], experimental: true),
            FunctionSignature("first_over_time", [.matrix], experimental: true),
            FunctionSignature("mad_over_time", [.matrix], experimental: true),
            FunctionSignature("ts_of_first_over_time", [.matrix], experimental: true),
            FunctionSignature("ts_of_last_over_time", [.matrix], experimental: true),
            FunctionSignature("ts_of_min_over_time", [.matrix], experimental: true),
            FunctionSignature("ts_of_max_over_time", [.matrix], experimental: true),
            FunctionSignature("sort_by_label", [.vector, .string], variadic: -1, experimental: true),
            FunctionSignature("sort_by_label_desc", [.vector, .string], variadic: -1, experimental: true),
            FunctionSignature("info", [.vector, .vector], variadic: 1, experimental: true),
            FunctionSignature("integral", [.matrix, .scalar], variadic: 1, experimental: true),
            FunctionSignature("histogram_quantiles", [.vector, .string, .scalar, .scalar], variadic: 9, experimental: true),
            FunctionSignature("step", [], .scalar, experimental: true),
            FunctionSignature("range", [], .scalar, experimental: true),
            FunctionSignature("start", [], .scalar, experimental: true),
            FunctionSignature("end", [], .scalar, experimental: true),
            FunctionSignature("min_of", [.scalar, .scalar], .scalar, experimental: true),
            FunctionSignature("max_of", [.scalar, .scalar], .scalar, experimental: true),
        ] {
            all.append(experimental)
        }
        return Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
    }()
}
