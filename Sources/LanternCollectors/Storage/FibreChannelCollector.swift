import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `fibrechannel` collector: Fibre Channel host attributes and counters
/// from /sys/class/fc_host.
public struct FibreChannelCollector: Collector {
    /// The info metric's labels after `fc_host`, each the attribute of the same name.
    static let infoAttributes = [
        "speed", "port_state", "port_type", "port_id", "port_name", "fabric_name", "symbolic_name", "supported_classes",
        "supported_speeds", "dev_loss_tmo",
    ]
    static let info = MetricDescriptor(
        name: "node_fibrechannel_info", help: "Non-numeric data from /sys/class/fc_host/<host>, value is always 1.", type: .gauge,
        labels: ["fc_host"] + infoAttributes)

    /// Per `statistics` counter: its metric.
    static let counters: [(counter: String, descriptor: MetricDescriptor)] = [
        ("dumped_frames", "dumped_frames_total", "Number of dumped frames"),
        ("error_frames", "error_frames_total", "Number of errors in frames"),
        ("invalid_crc_count", "invalid_crc_total", "Invalid Cyclic Redundancy Check count"),
        ("rx_frames", "rx_frames_total", "Number of frames received"),
        ("rx_words", "rx_words_total", "Number of words received by host port"),
        ("tx_frames", "tx_frames_total", "Number of frames transmitted by host port"),
        ("tx_words", "tx_words_total", "Number of words transmitted by host port"),
        ("seconds_since_last_reset", "seconds_since_last_reset_total", "Number of seconds since last host port reset"),
        ("invalid_tx_word_count", "invalid_tx_words_total", "Number of invalid words transmitted by host port"),
        ("link_failure_count", "link_failure_total", "Number of times the host port link has failed"),
        ("loss_of_sync_count", "loss_of_sync_total", "Number of failures on either bit or transmission word boundaries"),
        ("loss_of_signal_count", "loss_of_signal_total", "Number of times signal has been lost"),
        ("nos_count", "nos_total", "Number Not_Operational Primitive Sequence received by host port"),
        ("fcp_packet_aborts", "fcp_packet_aborts_total", "Number of aborted packets"),
    ].map { counter, name, help in
        (counter, MetricDescriptor(name: "node_fibrechannel_" + name, help: help, type: .counter, labels: ["fc_host"]))
    }

    private let paths: HostPaths
    private let logger: Logger

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        let hosts: [FibreChannelHost]
        do {
            hosts = try FibreChannelHost.readAll(classDirectory: paths.sys("class/fc_host"))
        } catch {
            guard error.isNotFound else { throw CollectorError("error obtaining FibreChannel class info: \(error)") }
            logger.debug("fibrechannel statistics not found, skipping")
            return
        }
        for host in hosts {
            sink.add(Self.info, 1, labelValues: [host.name] + Self.infoAttributes.map { host.attributes[$0] ?? "" })
            for (counter, descriptor) in Self.counters {
                // Absent, or all ones: not implemented by the HBA firmware.
                guard let value = host.counters[counter], value != UInt64.max else { continue }
                sink.add(descriptor, Double(value), host.name)
            }
        }
    }
}
