import Foundation
import LanternMetrics
import LanternPromQL
@testable import LanternRemote
import LanternSnappy
import LanternTSDB
import LanternTestSupport
import Testing

/// The receiver's answers to good and bad requests, straight against a TSDB: a refused
/// request stores nothing.
struct ReceiverTests {
    static func body(_ series: [(labels: [(String, String)], samples: [(Int64, Double)])]) throws -> [UInt8] {
        var request = Prometheus_WriteRequest()
        request.timeseries = series.map { entry in
            var timeSeries = Prometheus_TimeSeries()
            timeSeries.labels = entry.labels.map { name, value in
                var label = Prometheus_Label()
                label.name = name
                label.value = value
                return label
            }
            timeSeries.samples = entry.samples.map { timestamp, value in
                var sample = Prometheus_Sample()
                sample.timestamp = timestamp
                sample.value = value
                return sample
            }
            return timeSeries
        }
        return Snappy.compress(try request.serializedBytes())
    }

    @Test func storesGoodRequestsAndRefusesBadOnes() throws {
        let directory = try TestSupport.temporaryDirectory("remote").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try TSDB(directory: directory)
        defer { try? database.close() }

        let good = try Self.body([([("__name__", "up"), ("job", "a")], [(1000, 1), (2000, 0)])])
        #expect(RemoteWriteReceiver.handle(body: good, database: database).status == 204)
        #expect(database.stats.samplesAppended == 2)
        // The newest sample again: an identical duplicate is accepted, as Prometheus does.
        #expect(RemoteWriteReceiver.handle(body: try Self.body([([("__name__", "up"), ("job", "a")], [(2000, 0)])]), database: database).status == 204)

        let bad: [(String, [UInt8])] = [
            ("garbage", Array("this is not snappy".utf8)),
            ("snappy of garbage", Snappy.compress([0xff, 0xff, 0xff, 0x01])),
            ("unsorted", try Self.body([([("job", "a"), ("__name__", "up")], [(3000, 1)])])),
            ("duplicate name", try Self.body([([("__name__", "up"), ("job", "a"), ("job", "b")], [(3000, 1)])])),
            ("no __name__", try Self.body([([("job", "a")], [(3000, 1)])])),
            ("bad metric name", try Self.body([([("__name__", "1up")], [(3000, 1)])])),
            ("bad label name", try Self.body([([("__name__", "up"), ("a-b", "x")], [(3000, 1)])])),
            // A good series first: the later out-of-order sample rolls the whole request back.
            ("out of order", try Self.body([([("__name__", "other")], [(3000, 1)]), ([("__name__", "up"), ("job", "a")], [(1500, 5)])])),
            ("duplicate timestamp, other value", try Self.body([([("__name__", "up"), ("job", "a")], [(2000, 7)])])),
        ]
        for (name, body) in bad {
            let (status, message) = RemoteWriteReceiver.handle(body: body, database: database)
            #expect(status == 400, "\(name): \(status) \(message)")
            #expect(!message.isEmpty, "\(name)")
        }
        #expect(database.stats.samplesAppended == 2)
    }
}
