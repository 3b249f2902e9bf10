import LanternSnappy
import SwiftProtobuf

/// Turns samples into a remote write 1.0 body: a `WriteRequest` with one `TimeSeries`
/// per series (samples in WAL order), snappy-compressed.
enum WriteRequestEncoder {
    static func encode(_ samples: some Sequence<OutgoingSample>) throws -> [UInt8] {
        var seriesIndex: [UInt64: Int] = [:]
        var request = Prometheus_WriteRequest()
        for sample in samples {
            let index: Int
            if let known = seriesIndex[sample.reference] {
                index = known
            } else {
                index = request.timeseries.count
                seriesIndex[sample.reference] = index
                var series = Prometheus_TimeSeries()
                // `Labels` keeps its pairs sorted by name, which the receiver requires.
                series.labels = sample.labels.pairs.map { pair in
                    var label = Prometheus_Label()
                    label.name = pair.name
                    label.value = pair.value
                    return label
                }
                request.timeseries.append(series)
            }
            var outgoing = Prometheus_Sample()
            outgoing.timestamp = sample.timestamp
            outgoing.value = sample.value
            request.timeseries[index].samples.append(outgoing)
        }
        return Snappy.compress(try request.serializedBytes())
    }
}
