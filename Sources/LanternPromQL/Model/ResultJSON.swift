import LanternMetrics

extension QueryValue {
    /// The `data` object of `/api/v1/query` and `/api/v1/query_range`, byte for byte as
    /// Prometheus writes it: `{"resultType":"vector","result":[...]}`.
    public var prometheusJSON: String {
        var json = "{\"resultType\":\"\(resultType)\",\"result\":"
        switch self {
        case .scalar(let timestamp, let value):
            json += PrometheusJSON.point(timestamp, value)
        case .string(let timestamp, let value):
            json += "[\(PrometheusJSON.timestamp(timestamp)),\(PrometheusJSON.string(value))]"
        case .vector(let samples):
            json += "[" + samples.map { sample in
                "{\"metric\":\(PrometheusJSON.labels(sample.labels)),\"value\":\(PrometheusJSON.point(sample.timestamp, sample.value))}"
            }.joined(separator: ",") + "]"
        case .matrix(let series):
            json += "[" + series.map { element in
                "{\"metric\":\(PrometheusJSON.labels(element.labels)),\"values\":["
                    + element.points.map { PrometheusJSON.point($0.timestamp, $0.value) }.joined(separator: ",") + "]}"
            }.joined(separator: ",") + "]"
        }
        return json + "}"
    }
}

/// Prometheus's JSON conventions for query results.
public enum PrometheusJSON {
    /// `[<unix seconds>,"<value>"]`.
    public static func point(_ timestamp: Int64, _ value: Double) -> String {
        "[\(self.timestamp(timestamp)),\"\(float(value))\"]"
    }

    /// Seconds with up to three decimals and no trailing zeros: 1435781451.781, 1.5, 10.
    public static func timestamp(_ milliseconds: Int64) -> String {
        let sign = milliseconds < 0 ? "-" : ""
        let magnitude = milliseconds.magnitude
        var text = sign + String(magnitude / 1000)
        var fraction = magnitude % 1000
        if fraction != 0 {
            var digits = 3
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
            let padded = String(fraction)
            text += "." + String(repeating: "0", count: digits - padded.count) + padded
        }
        return text
    }

    /// Like Go's encoding/json for floats (plain decimals, exponent form only below 1e-6
    /// or from 1e21), with NaN and the infinities spelled as Prometheus spells them.
    public static func float(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        let magnitude = abs(value)
        if magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21) { return GoFloat.format(value) }
        return formatFixed(value)
    }

    public static func labels(_ labels: Labels) -> String {
        "{" + labels.pairs.map { "\(string($0.name)):\(string($0.value))" }.joined(separator: ",") + "}"
    }

    /// A JSON string with Go's escaping, which also escapes <, > and & for HTML safety.
    public static func string(_ text: String) -> String {
        var json = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": json += "\\\""
            case "\\": json += "\\\\"
            case "\n": json += "\\n"
            case "\r": json += "\\r"
            case "\t": json += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                json += "\\u" + hex4(scalar.value)
            default:
                if scalar.value < 0x20 { json += "\\u" + hex4(scalar.value) } else { json.unicodeScalars.append(scalar) }
            }
        }
        return json + "\""
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
