import LanternMetrics
import LanternPromQL
import LanternScrape
import LanternSnappy
import SwiftProtobuf

/// A request the receiver refuses as a whole, with the status and message it answers.
public struct RemoteWriteRejection: Error, Sendable, Equatable {
    public let status: Int
    public let message: String
}

/// Decodes and checks a remote write 1.0 body before anything is stored: snappy, then
/// the protobuf, then every series' labels (present `__name__`, valid names, sorted
/// without duplicates), so a bad request stores nothing.
enum WriteRequestDecoder {
    /// Bounds the memory one request can claim; Prometheus' batches are far smaller.
    static let maximumDecodedBytes = 64 << 20

    static func decode(_ body: [UInt8]) throws(RemoteWriteRejection) -> [(labels: Labels, samples: [Prometheus_Sample])] {
        let decoded: [UInt8]
        do { decoded = try Snappy.decompress(body, maximumLength: maximumDecodedBytes) } catch {
            throw RemoteWriteRejection(status: 400, message: error.description)
        }
        let request: Prometheus_WriteRequest
        do { request = try Prometheus_WriteRequest(serializedBytes: decoded) } catch {
            throw RemoteWriteRejection(status: 400, message: "proto: cannot decode WriteRequest: \(error)")
        }
        var series: [(labels: Labels, samples: [Prometheus_Sample])] = []
        series.reserveCapacity(request.timeseries.count)
        for entry in request.timeseries {
            if let problem = labelProblem(entry.labels) {
                let shown = "{" + entry.labels.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ", ") + "}"
                throw RemoteWriteRejection(status: 400, message: "invalid labels \(shown): \(problem)")
            }
            series.append((Labels(entry.labels.map { Label($0.name, $0.value) }), entry.samples))
        }
        return series
    }

    private static func labelProblem(_ labels: [Prometheus_Label]) -> String? {
        var previous: String?
        var metricName: String?
        for label in labels {
            guard LabelName.isValid(label.name) else { return "invalid label name \"\(label.name)\"" }
            if let previous, label.name <= previous {
                return label.name == previous ? "duplicate label name \"\(label.name)\"" : "labels are not sorted by name"
            }
            previous = label.name
            if label.name == Labels.metricName { metricName = label.value }
        }
        guard let metricName else { return "series has no __name__ label" }
        // A metric name is a label name that may also contain colons.
        guard LabelName.isValid(String(metricName.map { $0 == ":" ? "_" : $0 })) else {
            return "invalid metric name \"\(metricName)\""
        }
        return nil
    }
}
