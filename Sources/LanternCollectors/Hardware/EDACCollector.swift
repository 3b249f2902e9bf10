import LanternMetrics
import LanternSupport

/// node_exporter's `edac` collector: memory error counters per controller, csrow and channel.
public struct EDACCollector: Collector {
    static let correctable = MetricDescriptor(
        name: "node_edac_correctable_errors_total", help: "Total correctable memory errors.", type: .counter, labels: ["controller"])
    static let uncorrectable = MetricDescriptor(
        name: "node_edac_uncorrectable_errors_total", help: "Total uncorrectable memory errors.", type: .counter,
        labels: ["controller"])
    static let csrowCorrectable = MetricDescriptor(
        name: "node_edac_csrow_correctable_errors_total", help: "Total correctable memory errors for this csrow.",
        type: .counter, labels: ["controller", "csrow"])
    static let csrowUncorrectable = MetricDescriptor(
        name: "node_edac_csrow_uncorrectable_errors_total", help: "Total uncorrectable memory errors for this csrow.",
        type: .counter, labels: ["controller", "csrow"])
    static let channelCorrectable = MetricDescriptor(
        name: "node_edac_channel_correctable_errors_total", help: "Total correctable memory errors for this channel.",
        type: .counter, labels: ["controller", "csrow", "channel", "dimm_label"])
    static let channelUncorrectable = MetricDescriptor(
        name: "node_edac_channel_uncorrectable_errors_total", help: "Total uncorrectable memory errors for this channel.",
        type: .counter, labels: ["controller", "csrow", "channel", "dimm_label"])

    private let paths: HostPaths

    public init(paths: HostPaths) {
        self.paths = paths
    }

    public func collect(into sink: MetricSink) throws {
        for controller in try SysfsEDAC.controllers(edacMC: paths.sys("devices/system/edac/mc")) {
            let mc = controller.number
            sink.add(Self.correctable, Double(controller.correctable), mc)
            sink.add(Self.uncorrectable, Double(controller.uncorrectable), mc)
            // Errors the kernel could not place on a csrow.
            sink.add(Self.csrowCorrectable, Double(controller.correctableNoInfo), mc, "unknown")
            sink.add(Self.csrowUncorrectable, Double(controller.uncorrectableNoInfo), mc, "unknown")
            for csrow in controller.csrows {
                sink.add(Self.csrowCorrectable, Double(csrow.correctable), mc, csrow.number)
                sink.add(Self.csrowUncorrectable, Double(csrow.uncorrectable), mc, csrow.number)
                for channel in csrow.channels {
                    sink.add(Self.channelCorrectable, Double(channel.correctable), mc, csrow.number, channel.number, channel.dimmLabel)
                    if let uncorrectable = channel.uncorrectable {
                        sink.add(Self.channelUncorrectable, Double(uncorrectable), mc, csrow.number, channel.number, channel.dimmLabel)
                    }
                }
            }
        }
    }
}
