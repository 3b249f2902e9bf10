import LanternFlags
import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `hwmon` collector: every sensor of `class/hwmon`, similar to lm-sensors.
/// Family names depend on the sensor files found, so descriptors are built per sample.
public struct HwmonCollector: Collector {
    public struct Options: Sendable {
        public var chipInclude = "", chipExclude = "", sensorInclude = "", sensorExclude = ""
        public init(chipInclude: String = "", chipExclude: String = "", sensorInclude: String = "", sensorExclude: String = "") {
            self.chipInclude = chipInclude
            self.chipExclude = chipExclude
            self.sensorInclude = sensorInclude
            self.sensorExclude = sensorExclude
        }
    }

    static let labelNames = ["chip", "sensor"]
    static let chipNames = MetricDescriptor(
        name: "node_hwmon_chip_names", help: "Annotation metric for human-readable chip names", type: .gauge,
        labels: ["chip", "chip_name"])
    static let sensorLabel = MetricDescriptor(
        name: "node_hwmon_sensor_label", help: "Label for given chip and sensor", type: .gauge, labels: ["chip", "sensor", "label"])
    static let beepEnabled = MetricDescriptor(name: "node_hwmon_beep_enabled", help: "Hardware beep enabled", type: .gauge, labels: labelNames)
    static let voltageRegulator = MetricDescriptor(
        name: "node_hwmon_voltage_regulator_version", help: "Hardware voltage regulator", type: .gauge, labels: labelNames)
    static let updateInterval = MetricDescriptor(
        name: "node_hwmon_update_interval_seconds", help: "Hardware monitor update interval", type: .gauge, labels: labelNames)

    private let paths: HostPaths
    private let chipFilter: DeviceFilter
    /// Matched against `<chip>;<sensor>`, so that one sensor of one chip can be selected.
    private let sensorFilter: DeviceFilter
    private let logger: Logger

    public init(paths: HostPaths, options: Options, logger: Logger) throws {
        do throws(KernelParseError) {
            let chips = try DeviceFilter(exclude: options.chipExclude, include: options.chipInclude)
            let sensors = try DeviceFilter(exclude: options.sensorExclude, include: options.sensorInclude)
            (chipFilter, sensorFilter) = (chips, sensors)
        } catch {
            throw CollectorError("hwmon: \(error)")
        }
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        let classDirectory = paths.sys("class/hwmon")
        guard let entries = try KernelFile.entriesIfPresent(of: classDirectory) else {
            logger.debug("hwmon collector metrics are not available for this system")
            return
        }
        var chips: [HwmonChip] = []
        var lastError: KernelFileError?
        for entry in entries where KernelFile.isDirectory(classDirectory + "/" + entry) {
            do {
                chips.append(try SysfsHwmon.readChip(directory: classDirectory + "/" + entry))
            } catch {
                lastError = error
            }
        }
        for (chip, label) in zip(chips, Self.chipLabels(chips)) {
            if chipFilter.ignores(label) {
                logger.debug("ignoring hwmon chip", metadata: ["chip": "\(label)"])
                continue
            }
            if let name = chip.chipName {
                sink.add(Self.chipNames, 1, label, name)
            }
            for (sensor, properties) in chip.sensors {
                if sensorFilter.ignores(label + ";" + sensor) {
                    logger.debug("ignoring sensor", metadata: ["sensor": "\(sensor)"])
                    continue
                }
                addSensor(sensor, properties, chip: label, into: sink)
            }
        }
        if let lastError { throw lastError }
    }

    /// The `chip` label of each chip: its base name, unless several chips share it (hwmon
    /// devices registered under one parent device); those get their `name` file appended
    /// when that tells them apart, else their hwmonN directory name.
    static func chipLabels(_ chips: [HwmonChip]) -> [String] {
        let groups = Dictionary(grouping: chips, by: \.baseName)
        var labels: [String] = []
        for chip in chips {
            let group = groups[chip.baseName] ?? []
            if group.count <= 1 {
                labels.append(chip.baseName)
            } else if let name = chip.chipName, group.count(where: { $0.chipName == name }) == 1 {
                labels.append(chip.baseName + "_" + name)
            } else {
                labels.append(chip.baseName + "_" + chip.hwmonDirectoryName)
            }
        }
        return labels
    }

    private func addSensor(_ sensor: String, _ properties: [String: String], chip: String, into sink: MetricSink) {
        let type = SysfsHwmon.explode(sensor)?.type ?? ""
        let labels = [chip, sensor]
        if let label = properties["label"] {
            sink.add(Self.sensorLabel, 1, chip, sensor, label)
        }
        switch type {
        case "beep_enable":
            sink.add(Self.beepEnabled, properties[""] == "1" ? 1 : 0, labelValues: labels)
            return
        case "vrm":
            if let value = properties[""].flatMap(Double.init) { sink.add(Self.voltageRegulator, value, labelValues: labels) }
            return
        case "update_interval":
            if let value = properties[""].flatMap(Double.init) { sink.add(Self.updateInterval, value * 0.001, labelValues: labels) }
            return
        default:
            break
        }
        for (element, text) in properties where element != "label" {
            var name = "node_hwmon_" + type
            if element == "input" {
                // `input` is the value itself, unless the sensor also has a bare file.
                if properties[""] != nil { name += "_input" }
            } else if !element.isEmpty {
                name += "_" + SysfsHwmon.cleanName(element)
            }
            guard let value = Double(text) else { continue }
            let sample = Self.sample(type: type, element: element, name: name, value: value)
            var values = labels
            if type == "freq" && element == "input" {
                // Frequencies are labelled by their cleaned label, and skipped without one.
                guard let label = properties["label"] else { continue }
                values[1] = SysfsHwmon.cleanName(label)
            }
            sink.add(MetricDescriptor(name: sample.name, help: sample.help, type: sample.type, labels: Self.labelNames),
                     sample.value, labelValues: values)
        }
    }

    /// node_exporter's unit rules: the family name suffix, help text and scaled value of
    /// one sensor element.
    static func sample(type: String, element: String, name: String, value: Double)
        -> (name: String, help: String, type: MetricType, value: Double) {
        if element == "fault" || element == "alarm" {
            return (name, "Hardware sensor \(element) status (\(type))", .gauge, value)
        }
        if element == "beep" {
            return (name + "_enabled", "Hardware monitor sensor has beeping enabled", .gauge, value)
        }
        switch type {
        case "in", "cpu":
            return (name + "_volts", "Hardware monitor for voltage (\(element))", .gauge, value * 0.001)
        case "temp" where element != "type":
            return (name + "_celsius", "Hardware monitor for temperature (\(element.isEmpty ? "input" : element))", .gauge, value * 0.001)
        case "curr":
            return (name + "_amps", "Hardware monitor for current (\(element))", .gauge, value * 0.001)
        case "energy":
            return (name + "_joule_total", "Hardware monitor for joules used so far (\(element))", .counter, value / 1_000_000)
        case "power" where element == "accuracy":
            return (name, "Hardware monitor power meter accuracy, as a ratio", .gauge, value / 1_000_000)
        case "power" where ["average_interval", "average_interval_min", "average_interval_max"].contains(element):
            return (name + "_seconds", "Hardware monitor power usage update interval (\(element))", .gauge, value * 0.001)
        case "power":
            return (name + "_watt", "Hardware monitor for power usage in watts (\(element))", .gauge, value / 1_000_000)
        case "humidity":
            return (name, "Hardware monitor for humidity, as a ratio (multiply with 100.0 to get the humidity as a percentage) (\(element))",
                    .gauge, value / 1_000_000)
        case "fan" where ["input", "min", "max", "target"].contains(element):
            return (name + "_rpm", "Hardware monitor for fan revolutions per minute (\(element))", .gauge, value)
        case "freq" where element == "input":
            return (name + "_freq_mhz", "Hardware monitor for GPU frequency in MHz", .gauge, value / 1_000_000)
        default:
            return (name, "Hardware monitor \(type) element \(element)", .gauge, value)
        }
    }
}

enum HwmonFlags {
    static let chipInclude = Flag(
        "collector.hwmon.chip-include", help: "Regexp of hwmon chip to include (mutually exclusive to device-exclude).")
    static let chipExclude = Flag(
        "collector.hwmon.chip-exclude", help: "Regexp of hwmon chip to exclude (mutually exclusive to device-include).")
    static let sensorInclude = Flag(
        "collector.hwmon.sensor-include", help: "Regexp of hwmon sensor to include (mutually exclusive to sensor-exclude).")
    static let sensorExclude = Flag(
        "collector.hwmon.sensor-exclude", help: "Regexp of hwmon sensor to exclude (mutually exclusive to sensor-include).")
    static let all = [chipInclude, chipExclude, sensorInclude, sensorExclude]

    static func options(from flags: ParsedFlags) -> HwmonCollector.Options {
        HwmonCollector.Options(
            chipInclude: flags.string(chipInclude.name), chipExclude: flags.string(chipExclude.name),
            sensorInclude: flags.string(sensorInclude.name), sensorExclude: flags.string(sensorExclude.name))
    }
}
