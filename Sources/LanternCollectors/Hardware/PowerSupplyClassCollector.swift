import LanternFlags
import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `powersupplyclass` collector: `class/power_supply` attributes, one
/// family per attribute, plus an info metric with the text attributes as labels.
public struct PowerSupplyClassCollector: Collector {
    public struct Options: Sendable {
        /// `--collector.powersupply.ignored-supplies`, matched unanchored like Go's MatchString.
        public var ignoredSupplies = "^$"
        public init(ignoredSupplies: String = "^$") { self.ignoredSupplies = ignoredSupplies }
    }

    /// Family suffix, sysfs attribute and divisor turning the value into base units
    /// (µA, µV, µWh, µW to A, V, Wh, W; tenths of °C to °C).
    static let numericFamilies: [(family: String, attribute: String, divisor: Double)] = [
        ("authentic", "authentic", 1), ("calibrate", "calibrate", 1), ("capacity", "capacity", 1),
        ("capacity_alert_max", "capacity_alert_max", 1), ("capacity_alert_min", "capacity_alert_min", 1),
        ("cyclecount", "cycle_count", 1), ("online", "online", 1), ("present", "present", 1),
        ("time_to_empty_seconds", "time_to_empty_now", 1), ("time_to_full_seconds", "time_to_full_now", 1),
        ("current_boot", "current_boot", 1e6), ("current_max", "current_max", 1e6), ("current_ampere", "current_now", 1e6),
        ("energy_empty", "energy_empty", 1e6), ("energy_empty_design", "energy_empty_design", 1e6),
        ("energy_full", "energy_full", 1e6), ("energy_full_design", "energy_full_design", 1e6),
        ("energy_watthour", "energy_now", 1e6), ("voltage_boot", "voltage_boot", 1e6), ("voltage_max", "voltage_max", 1e6),
        ("voltage_max_design", "voltage_max_design", 1e6), ("voltage_min", "voltage_min", 1e6),
        ("voltage_min_design", "voltage_min_design", 1e6), ("voltage_volt", "voltage_now", 1e6),
        ("voltage_ocv", "voltage_ocv", 1e6), ("charge_control_limit", "charge_control_limit", 1e6),
        ("charge_control_limit_max", "charge_control_limit_max", 1e6), ("charge_counter", "charge_counter", 1e6),
        ("charge_empty", "charge_empty", 1e6), ("charge_empty_design", "charge_empty_design", 1e6),
        ("charge_full", "charge_full", 1e6), ("charge_full_design", "charge_full_design", 1e6),
        ("charge_ampere", "charge_now", 1e6), ("charge_term_current", "charge_term_current", 1e6),
        ("constant_charge_current", "constant_charge_current", 1e6),
        ("constant_charge_current_max", "constant_charge_current_max", 1e6),
        ("constant_charge_voltage", "constant_charge_voltage", 1e6),
        ("constant_charge_voltage_max", "constant_charge_voltage_max", 1e6),
        ("precharge_current", "precharge_current", 1e6), ("input_current_limit", "input_current_limit", 1e6),
        ("power_watt", "power_now", 1e6),
        ("temp_celsius", "temp", 10), ("temp_alert_max_celsius", "temp_alert_max", 10),
        ("temp_alert_min_celsius", "temp_alert_min", 10), ("temp_ambient_celsius", "temp_ambient", 10),
        ("temp_ambient_max_celsius", "temp_ambient_max", 10), ("temp_ambient_min_celsius", "temp_ambient_min", 10),
        ("temp_max_celsius", "temp_max", 10), ("temp_min_celsius", "temp_min", 10),
    ]
    static let descriptors: [String: MetricDescriptor] = Dictionary(uniqueKeysWithValues: numericFamilies.map { entry in
        (entry.attribute, MetricDescriptor(
            name: "node_power_supply_" + entry.family, help: "\(entry.family) value of /sys/class/power_supply/<power_supply>.",
            type: .gauge, labels: ["power_supply"]))
    })
    static let infoHelp = "info of /sys/class/power_supply/<power_supply>."

    private let paths: HostPaths
    private let ignored: IncludeFilter
    private let logger: Logger

    public init(paths: HostPaths, options: Options, logger: Logger) throws {
        do {
            ignored = try IncludeFilter(pattern: options.ignoredSupplies)
        } catch {
            throw CollectorError("powersupplyclass: \(error)")
        }
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        guard let supplies = try SysfsPowerSupply.readIfPresent(classPowerSupply: paths.sys("class/power_supply")) else {
            logger.debug("power_supply class is not available")
            return
        }
        for supply in supplies where !ignored.matches(supply.name) {
            for entry in Self.numericFamilies {
                guard let value = supply.numbers[entry.attribute], let descriptor = Self.descriptors[entry.attribute] else { continue }
                sink.add(descriptor, Double(value) / entry.divisor, supply.name)
            }
            // The info labels are the text attributes the supply has (never empty ones).
            var labels = [(name: "power_supply", value: supply.name)]
            for (attribute, value) in supply.texts where !value.isEmpty {
                labels.append((attribute, value))
            }
            let info = MetricDescriptor(
                name: "node_power_supply_info", help: Self.infoHelp, type: .gauge, labels: labels.map(\.name))
            sink.add(info, 1, labelValues: labels.map(\.value))
        }
    }
}

enum PowerSupplyClassFlags {
    static let ignoredSupplies = Flag(
        "collector.powersupply.ignored-supplies", help: "Regexp of power supplies to ignore for powersupplyclass collector.",
        default: "^$")

    static func options(from flags: ParsedFlags) -> PowerSupplyClassCollector.Options {
        PowerSupplyClassCollector.Options(ignoredSupplies: flags.string(ignoredSupplies.name))
    }
}
