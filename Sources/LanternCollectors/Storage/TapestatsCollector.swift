import LanternFlags
import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `tapestats` collector: SCSI tape drive statistics from /sys/class/scsi_tape.
public struct TapestatsCollector: Collector {
    public struct Options: Sendable {
        /// `--collector.tapestats.ignored-devices`, matched unanchored like Go's `MatchString`.
        public var ignoredDevices: String
        public init(ignoredDevices: String = "^$") { self.ignoredDevices = ignoredDevices }
    }

    private static func descriptor(_ name: String, _ help: String, _ type: MetricType = .counter) -> MetricDescriptor {
        MetricDescriptor(name: "node_tape_" + name, help: help, type: type, labels: ["device"])
    }

    static let ioNow = descriptor("io_now", "The number of I/Os currently outstanding to this device.", .gauge)
    static let ioTime = descriptor(
        "io_time_seconds_total",
        "The amount of time spent waiting for all I/O to complete (including read and write). This includes tape movement commands such as seeking between file or set marks and implicit tape movement such as when rewind on close tape devices are used.")
    static let others = descriptor(
        "io_others_total",
        "The number of I/Os issued to the tape drive other than read or write commands. The time taken to complete these commands uses the following calculation io_time_seconds_total-read_time_seconds_total-write_time_seconds_total")
    static let readBytes = descriptor("read_bytes_total", "The number of bytes read from the tape drive.")
    static let reads = descriptor("reads_completed_total", "The number of read requests issued to the tape drive.")
    static let readTime = descriptor("read_time_seconds_total", "The amount of time spent waiting for read requests to complete.")
    static let residual = descriptor(
        "residual_total",
        "The number of times during a read or write we found the residual amount to be non-zero. This should mean that a program is issuing a read larger thean the block size on tape. For write not all data made it to tape.")
    static let writtenBytes = descriptor("written_bytes_total", "The number of bytes written to the tape drive.")
    static let writes = descriptor("writes_completed_total", "The number of write requests issued to the tape drive.")
    static let writeTime = descriptor("write_time_seconds_total", "The amount of time spent waiting for write requests to complete.")

    private let paths: HostPaths
    private let ignored: IncludeFilter
    private let logger: Logger

    public init(paths: HostPaths, options: Options, logger: Logger) throws {
        self.paths = paths
        self.ignored = try IncludeFilter(pattern: options.ignoredDevices)
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        let tapes: [SCSITape]
        do {
            tapes = try SCSITape.readAll(classDirectory: paths.sys("class/scsi_tape"))
        } catch {
            guard error.isNotFound else { throw CollectorError("error obtaining SCSITape class info: \(error)") }
            logger.debug("scsi_tape stats not found, skipping")
            return
        }
        for tape in tapes {
            if ignored.matches(tape.name) {
                logger.debug("Ignoring device", metadata: ["device": "\(tape.name)"])
                continue
            }
            // node_exporter multiplies by 1e-9 rather than dividing by 1e9; the last bit can differ.
            sink.add(Self.ioNow, Double(tape.inFlight), tape.name)
            sink.add(Self.ioTime, Double(tape.ioNanoseconds) * 0.000000001, tape.name)
            sink.add(Self.others, Double(tape.otherCount), tape.name)
            sink.add(Self.readBytes, Double(tape.readBytes), tape.name)
            sink.add(Self.reads, Double(tape.readCount), tape.name)
            sink.add(Self.readTime, Double(tape.readNanoseconds) * 0.000000001, tape.name)
            sink.add(Self.residual, Double(tape.residualCount), tape.name)
            sink.add(Self.writtenBytes, Double(tape.writeBytes), tape.name)
            sink.add(Self.writes, Double(tape.writeCount), tape.name)
            sink.add(Self.writeTime, Double(tape.writeNanoseconds) * 0.000000001, tape.name)
        }
    }
}

enum TapestatsFlags {
    static let ignoredDevices = Flag(
        "collector.tapestats.ignored-devices", help: "Regexp of devices to ignore for tapestats.", default: "^$")
    static let all = [ignoredDevices]

    static func options(from flags: ParsedFlags) -> TapestatsCollector.Options {
        TapestatsCollector.Options(ignoredDevices: flags.string(ignoredDevices.name))
    }
}
