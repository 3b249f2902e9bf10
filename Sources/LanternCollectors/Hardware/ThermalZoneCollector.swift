import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `thermal_zone` collector: zone temperatures and cooling device
/// states from `class/thermal`.
public struct ThermalZoneCollector: Collector {
    static let zoneTemperature = MetricDescriptor(
        name: "node_thermal_zone_temp", help: "Zone temperature in Celsius", type: .gauge, labels: ["zone", "type"])
    static let coolingCurrentState = MetricDescriptor(
        name: "node_cooling_device_cur_state", help: "Current throttle state of the cooling device", type: .gauge,
        labels: ["name", "type"])
    static let coolingMaxState = MetricDescriptor(
        name: "node_cooling_device_max_state", help: "Maximum throttle state of the cooling device", type: .gauge,
        labels: ["name", "type"])

    private let paths: HostPaths
    private let logger: Logger

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        let directory = paths.sys("class/thermal")
        let entries = SysfsThermal.listing(directory)
        do {
            for zone in try SysfsThermal.zones(classThermal: directory, entries: entries) {
                sink.add(Self.zoneTemperature, Double(zone.temperature) / 1000, zone.name, zone.type)
            }
            for device in try SysfsThermal.coolingDevices(classThermal: directory, entries: entries) {
                sink.add(Self.coolingCurrentState, Double(device.currentState), device.name, device.type)
                sink.add(Self.coolingMaxState, Double(device.maxState), device.name, device.type)
            }
        } catch where error.meansNoData {
            // node_exporter's ErrNoData: absent or unreadable thermal class.
            let reason = "\(error)"
            logger.debug("Could not read thermal zone stats", metadata: ["err": .string(reason)])
        } catch {
            // Spelled out: a typed catch that is not exhaustive crashes Swift 6.3's SIL passes.
            throw error
        }
    }
}
