import Foundation
import LanternPromQL
import LanternScrape
import Testing
@testable import LanternRemote
import LanternSnappy

/// Snappy block format and the WriteRequest protobuf, through the same code the sender
/// and the receiver use.
struct CodecTests {
    @Test(arguments: [0, 1, 100, 70_000, 1 << 20])
    func snappyRoundTrip(size: Int) throws {
        var generator = SystemRandomNumberGenerator()
        // Half repetitive, half random: both of snappy's copy and literal paths.
        let input = (0..<size).map { $0 < size / 2 ? UInt8($0 % 7) : UInt8.random(in: 0...255, using: &generator) }
        let compressed = Snappy.compress(input)
        #expect(try Snappy.decompress(compressed, maximumLength: size) == input)
    }

    @Test func snappyRefusesCorruptAndOversizedBlocks() throws {
        #expect(throws: Snappy.DecodeError.self) { try Snappy.decompress([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], maximumLength: 1 << 20) }
        let compressed = Snappy.compress([UInt8](repeating: 1, count: 10_000))
        #expect(throws: Snappy.DecodeError.self) { try Snappy.decompress(compressed, maximumLength: 9_999) }
        var truncated = compressed
        truncated.removeLast(2)
        #expect(throws: Snappy.DecodeError.self) { try Snappy.decompress(truncated, maximumLength: 1 << 20) }
    }

    @Test func writeRequestRoundTrip() throws {
        let first = Labels(["__name__": "up", "job": "node", "instance": "a:9100"])
        let second = Labels(["__name__": "load1", "job": "node"])
        let samples = [
            OutgoingSample(reference: 1, labels: first, timestamp: 1000, value: 1),
            OutgoingSample(reference: 2, labels: second, timestamp: 1000, value: 0.25),
            OutgoingSample(reference: 1, labels: first, timestamp: 2000, value: 0),
            OutgoingSample(reference: 2, labels: second, timestamp: 2000, value: .nan),
        ]
        let decoded = try WriteRequestDecoder.decode(try WriteRequestEncoder.encode(samples))
        #expect(decoded.map(\.labels) == [first, second])
        #expect(decoded[0].samples.map(\.timestamp) == [1000, 2000] && decoded[0].samples.map(\.value) == [1, 0])
        #expect(decoded[1].samples[0].value == 0.25 && decoded[1].samples[1].value.isNaN)
        // Labels go out sorted by name.
        let request = try Prometheus_WriteRequest(serializedBytes: try Snappy.decompress(try WriteRequestEncoder.encode(samples), maximumLength: 1 << 20))
        #expect(request.timeseries[0].labels.map(\.name) == ["__name__", "instance", "job"])
    }

    @Test func outgoingLabelsAddExternalLabelsThenRelabel() throws {
        let drop = RelabelConfig(action: .drop, sourceLabels: ["__name__"], regex: try AnchoredRegex("secret_.*"))
        let labeler = OutgoingLabels(externalLabels: ["cluster": "eu", "job": "ignored"], relabelConfigs: [drop])
        #expect(labeler.apply(Labels(["__name__": "up", "job": "node"])) == Labels(["__name__": "up", "job": "node", "cluster": "eu"]))
        #expect(labeler.apply(Labels(["__name__": "secret_x"])) == nil)
    }
}
