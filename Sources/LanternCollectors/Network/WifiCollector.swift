import Glibc
import LanternFlags
import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `wifi` collector: per wireless interface its frequency, BSS and
/// stations, from nl80211 or, with `--collector.wifi.fixtures`, from node_exporter's JSON
/// fixtures. Without nl80211 (no cfg80211 in the kernel) it exposes nothing, as node_exporter.
public struct WifiCollector: Collector {
    public struct Options: Sendable {
        public var fixtures = ""
        public init() {}
    }

    static let frequency = MetricDescriptor(
        name: "node_wifi_interface_frequency_hertz", help: "The current frequency a WiFi interface is operating at, in hertz.",
        type: .gauge, labels: ["device"])
    static let stationInfo = MetricDescriptor(
        name: "node_wifi_station_info", help: "Labeled WiFi interface station information as provided by the operating system.",
        type: .gauge, labels: ["device", "bssid", "ssid", "mode"])
    static let connected = station("connected_seconds_total", "The total number of seconds a station has been connected to an access point.", .counter)
    static let inactive = station("inactive_seconds", "The number of seconds since any wireless activity has occurred on a station.", .gauge)
    static let receiveBitrate = station("receive_bits_per_second", "The current WiFi receive bitrate of a station, in bits per second.", .gauge)
    static let transmitBitrate = station("transmit_bits_per_second", "The current WiFi transmit bitrate of a station, in bits per second.", .gauge)
    static let receivedBytes = station("receive_bytes_total", "The total number of bytes received by a WiFi station.", .counter)
    static let transmittedBytes = station("transmit_bytes_total", "The total number of bytes transmitted by a WiFi station.", .counter)
    static let receivedPackets = station("received_packets_total", "The total number of packets received by a station.", .counter)
    static let transmittedPackets = station("transmitted_packets_total", "The total number of packets transmitted by a station.", .counter)
    static let signal = station("signal_dbm", "The current WiFi signal strength, in decibel-milliwatts (dBm).", .gauge)
    static let retries = station("transmit_retries_total", "The total number of times a station has had to retry while sending a packet.", .counter)
    static let failed = station("transmit_failed_total", "The total number of times a station has failed to send a packet.", .counter)
    static let beaconLoss = station("beacon_loss_total", "The total number of times a station has detected a beacon loss.", .counter)

    private let options: Options
    private let logger: Logger

    public init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        let source: any WifiSource
        if options.fixtures.isEmpty {
            guard let live = try liveSource() else { return }
            source = live
        } else {
            source = WifiFixtureSource(directory: options.fixtures.hasSuffix("/") ? String(options.fixtures.dropLast()) : options.fixtures)
        }
        let interfaces: [Nl80211.Interface]
        do {
            interfaces = try source.interfaces()
        } catch {
            throw CollectorError("failed to retrieve wifi interfaces: \(error)")
        }
        // Some virtual devices have no name and are skipped.
        for interface in interfaces where !interface.wifi.name.isEmpty {
            let name = interface.wifi.name
            logger.debug("probing wifi device with type", metadata: ["wifi": "\(name)", "type": "\(interface.wifi.type)"])
            sink.add(Self.frequency, Double(interface.wifi.frequency) * 1000 * 1000, name)

            // A statistic this interface type does not have is "not found", not an error.
            let bss: WifiBSS?
            do {
                bss = try source.associatedBSS(interface)
            } catch {
                throw CollectorError("failed to retrieve BSS for device \(name): \(error)")
            }
            if let bss {
                sink.add(Self.stationInfo, 1, name, WifiFixtures.macString(bss.bssid), bss.ssid, Self.mode(bss.status))
            } else {
                logger.debug("BSS information not found for wifi device", metadata: ["wifi": "\(name)"])
            }

            let stations: [WifiStation]?
            do {
                stations = try source.stations(interface)
            } catch {
                throw CollectorError("failed to retrieve station info for device \"\(name)\": \(error)")
            }
            guard let stations else {
                logger.debug("station information not found for wifi device", metadata: ["wifi": "\(name)"])
                continue
            }
            for station in stations { add(station, device: name, to: sink) }
        }
    }

    /// nl80211's client, or nil (logged at debug) where the kernel has no nl80211 or
    /// denies access to generic netlink.
    private func liveSource() throws -> WifiLiveSource? {
        let families: [String: UInt16]
        do {
            families = try GenericNetlink.families()
        } catch {
            guard error.errno == EACCES || error.errno == EPERM else { throw CollectorError("failed to access wifi data: \(error)") }
            logger.debug("wifi collector got permission denied when accessing metrics")
            return nil
        }
        guard let familyID = families["nl80211"] else {
            logger.debug("wifi collector metrics are not available for this system")
            return nil
        }
        return WifiLiveSource(client: Nl80211Client(familyID: familyID))
    }

    private func add(_ station: WifiStation, device: String, to sink: MetricSink) {
        let labels = [device, WifiFixtures.macString(station.hardwareAddress)]
        sink.add(Self.connected, Self.seconds(station.connectedNanoseconds), labelValues: labels)
        sink.add(Self.inactive, Self.seconds(station.inactiveNanoseconds), labelValues: labels)
        sink.add(Self.receiveBitrate, Double(station.receiveBitrate), labelValues: labels)
        sink.add(Self.transmitBitrate, Double(station.transmitBitrate), labelValues: labels)
        sink.add(Self.receivedBytes, Double(station.receivedBytes), labelValues: labels)
        sink.add(Self.transmittedBytes, Double(station.transmittedBytes), labelValues: labels)
        sink.add(Self.receivedPackets, Double(station.receivedPackets), labelValues: labels)
        sink.add(Self.transmittedPackets, Double(station.transmittedPackets), labelValues: labels)
        sink.add(Self.signal, Double(station.signal), labelValues: labels)
        sink.add(Self.retries, Double(station.transmitRetries), labelValues: labels)
        sink.add(Self.failed, Double(station.transmitFailed), labelValues: labels)
        sink.add(Self.beaconLoss, Double(station.beaconLoss), labelValues: labels)
    }

    /// Go's `time.Duration.Seconds`: whole seconds plus the remainder, so the result is exact.
    static func seconds(_ nanoseconds: Int64) -> Double {
        Double(nanoseconds / 1_000_000_000) + Double(nanoseconds % 1_000_000_000) / 1e9
    }

    static func mode(_ status: Int64) -> String {
        switch status {
        case 0, 1: "client"
        case 2: "ad-hoc"
        default: "unknown"
        }
    }

    private static func station(_ name: String, _ help: String, _ type: MetricType) -> MetricDescriptor {
        MetricDescriptor(name: "node_wifi_station_" + name, help: help, type: type, labels: ["device", "mac_address"])
    }
}

/// Where the wifi collector reads interfaces, BSS and stations; nil from `associatedBSS`
/// or `stations` is "not found" for that interface.
protocol WifiSource {
    func interfaces() throws -> [Nl80211.Interface]
    func associatedBSS(_ interface: Nl80211.Interface) throws -> WifiBSS?
    func stations(_ interface: Nl80211.Interface) throws -> [WifiStation]?
}

/// node_exporter's end-to-end fixtures: interfaces.json, <device>/bss.json and
/// <device>/stationinfo.json; a missing per-device file is "not found".
struct WifiFixtureSource: WifiSource {
    let directory: String

    func interfaces() throws -> [Nl80211.Interface] {
        try KernelFile.parse(directory + "/interfaces.json", with: WifiFixtures.interfaces).map {
            Nl80211.Interface(index: 0, hardwareAddress: nil, wifi: $0)
        }
    }

    func associatedBSS(_ interface: Nl80211.Interface) throws -> WifiBSS? {
        try optional(directory + "/" + interface.wifi.name + "/bss.json", with: WifiFixtures.bss)
    }

    func stations(_ interface: Nl80211.Interface) throws -> [WifiStation]? {
        try optional(directory + "/" + interface.wifi.name + "/stationinfo.json", with: WifiFixtures.stations)
    }

    private func optional<Value>(_ path: String, with parser: (String) throws(KernelParseError) -> Value) throws -> Value? {
        do {
            return try KernelFile.parse(path, with: parser)
        } catch {
            guard error.isNotFound else { throw error }
            return nil
        }
    }
}

/// nl80211; ENOENT from the kernel (the command does not apply to the interface) is "not found".
struct WifiLiveSource: WifiSource {
    let client: Nl80211Client

    func interfaces() throws -> [Nl80211.Interface] {
        try client.interfaces()
    }

    func associatedBSS(_ interface: Nl80211.Interface) throws -> WifiBSS? {
        do {
            return try client.associatedBSS(interface)
        } catch {
            guard error.errno == ENOENT else { throw error }
            return nil
        }
    }

    func stations(_ interface: Nl80211.Interface) throws -> [WifiStation]? {
        do {
            return try client.stations(interface)
        } catch {
            guard error.errno == ENOENT else { throw error }
            return nil
        }
    }
}

enum WifiFlags {
    static let fixtures = Flag("collector.wifi.fixtures", help: "test fixtures to use for wifi collector metrics", default: "")
    static let all = [fixtures]

    static func options(from flags: ParsedFlags) -> WifiCollector.Options {
        var options = WifiCollector.Options()
        options.fixtures = flags.string(fixtures.name)
        return options
    }
}
