import LanternMetrics

/// node_exporter's `timex` collector: the kernel clock discipline state from adjtimex(2).
public struct TimexCollector: Collector {
    /// What adjtimex(2) returned: its clock state and the `struct timex` fields used.
    public struct Reading: Sendable, Hashable {
        public var clockState: Int32
        public var status: Int, offset: Int, frequency: Int, maxError: Int, estimatedError: Int, constant: Int, tick: Int
        public var ppsFrequency: Int, jitter: Int, shift: Int32, stability: Int, jitterCount: Int, calibrationCount: Int
        public var errorCount: Int, stabilityCount: Int, tai: Int32
    }

    /// adjtimex(2)'s TIME_ERROR: the clock is not synchronized.
    static let timeError: Int32 = 5
    /// STA_NANO: offset and jitter are in nanoseconds rather than microseconds.
    static let nanosecondResolution = 0x2000
    /// Scaled parts per million (see NOTES in adjtimex(2)).
    static let ppm16frac = 1_000_000.0 * 65536.0

    static func gauge(_ name: String, _ help: String) -> MetricDescriptor {
        MetricDescriptor(name: "node_timex_" + name, help: help, type: .gauge)
    }
    static func counter(_ name: String, _ help: String) -> MetricDescriptor {
        MetricDescriptor(name: "node_timex_" + name, help: help, type: .counter)
    }
    static let syncStatus = gauge("sync_status", "Is clock synchronized to a reliable server (1 = yes, 0 = no).")
    static let offset = gauge("offset_seconds", "Time offset in between local system and reference clock.")
    static let frequency = gauge("frequency_adjustment_ratio", "Local clock frequency adjustment.")
    static let maxError = gauge("maxerror_seconds", "Maximum error in seconds.")
    static let estimatedError = gauge("estimated_error_seconds", "Estimated error in seconds.")
    static let status = gauge("status", "Value of the status array bits.")
    static let constant = gauge("loop_time_constant", "Phase-locked loop time constant.")
    static let tick = gauge("tick_seconds", "Seconds between clock ticks.")
    static let ppsFrequency = gauge("pps_frequency_hertz", "Pulse per second frequency.")
    static let jitter = gauge("pps_jitter_seconds", "Pulse per second jitter.")
    static let shift = gauge("pps_shift_seconds", "Pulse per second interval duration.")
    static let stability = gauge("pps_stability_hertz", "Pulse per second stability, average of recent frequency changes.")
    static let jitterCount = counter("pps_jitter_total", "Pulse per second count of jitter limit exceeded events.")
    static let calibrationCount = counter("pps_calibration_total", "Pulse per second count of calibration intervals.")
    static let errorCount = counter("pps_error_total", "Pulse per second count of calibration errors.")
    static let stabilityCount = counter("pps_stability_exceeded_total", "Pulse per second count of stability limit exceeded events.")
    static let tai = gauge("tai_offset_seconds", "International Atomic Time (TAI) offset.")

    public init() {}

    public func collect(into sink: MetricSink) throws {
        guard let reading = try KernelClock.read() else { return }  // not permitted: node_exporter's ErrNoData
        Self.add(reading, to: sink)
    }

    /// The samples of one reading, with node_exporter's unit conversions.
    static func add(_ reading: Reading, to sink: MetricSink) {
        let divisor = reading.status & nanosecondResolution != 0 ? 1e9 : 1e6
        sink.add(syncStatus, reading.clockState == timeError ? 0 : 1)
        sink.add(offset, Double(reading.offset) / divisor)
        sink.add(frequency, 1 + Double(reading.frequency) / ppm16frac)
        sink.add(maxError, Double(reading.maxError) / 1e6)
        sink.add(estimatedError, Double(reading.estimatedError) / 1e6)
        sink.add(status, Double(reading.status))
        sink.add(constant, Double(reading.constant))
        sink.add(tick, Double(reading.tick) / 1e6)
        sink.add(ppsFrequency, Double(reading.ppsFrequency) / ppm16frac)
        sink.add(jitter, Double(reading.jitter) / divisor)
        sink.add(shift, Double(reading.shift))
        sink.add(stability, Double(reading.stability) / ppm16frac)
        sink.add(jitterCount, Double(reading.jitterCount))
        sink.add(calibrationCount, Double(reading.calibrationCount))
        sink.add(errorCount, Double(reading.errorCount))
        sink.add(stabilityCount, Double(reading.stabilityCount))
        sink.add(tai, Double(reading.tai))
    }
}
