import LanternMetrics
import Synchronization

/// The `promhttp_metric_handler_*` counters of client_golang's instrumented
/// handler: scrapes in flight, scrapes by status code, internal errors by cause.
final class HandlerMetrics: Collector {
    static let inFlightDescriptor = MetricDescriptor(
        name: "promhttp_metric_handler_requests_in_flight", help: "Current number of scrapes being served.", type: .gauge)
    static let requestsDescriptor = MetricDescriptor(
        name: "promhttp_metric_handler_requests_total", help: "Total number of scrapes by HTTP status code.",
        type: .counter, labels: ["code"])
    static let errorsDescriptor = MetricDescriptor(
        name: "promhttp_metric_handler_errors_total",
        help: "Total number of internal errors encountered by the promhttp metric handler.",
        type: .counter, labels: ["cause"])

    let inFlight = Atomic<Int>(0)
    private let ok = Atomic<Int>(0)
    private let internalError = Atomic<Int>(0)
    private let unavailable = Atomic<Int>(0)
    private let encodingErrors = Atomic<Int>(0)
    private let gatheringErrors = Atomic<Int>(0)

    func recordResponse(status: UInt) {
        switch status {
        case 200: ok.add(1, ordering: .relaxed)
        case 503: unavailable.add(1, ordering: .relaxed)
        default: internalError.add(1, ordering: .relaxed)
        }
    }

    func recordGatheringError() { gatheringErrors.add(1, ordering: .relaxed) }
    func recordEncodingError() { encodingErrors.add(1, ordering: .relaxed) }

    func collect(into sink: MetricSink) throws {
        sink.add(Self.inFlightDescriptor, Double(inFlight.load(ordering: .relaxed)))
        sink.add(Self.requestsDescriptor, Double(ok.load(ordering: .relaxed)), "200")
        sink.add(Self.requestsDescriptor, Double(internalError.load(ordering: .relaxed)), "500")
        sink.add(Self.requestsDescriptor, Double(unavailable.load(ordering: .relaxed)), "503")
        sink.add(Self.errorsDescriptor, Double(encodingErrors.load(ordering: .relaxed)), "encoding")
        sink.add(Self.errorsDescriptor, Double(gatheringErrors.load(ordering: .relaxed)), "gathering")
    }
}
