import LanternSupport
/// The wifi data node_exporter reads from mdlayher/wifi (nl80211), in the JSON form of
/// its end-to-end fixtures (`--collector.wifi.fixtures`): Go's encoding/json of
/// `wifi.Interface`, `wifi.BSS` and `wifi.StationInfo` (durations in nanoseconds,
/// hardware addresses base64).
struct WifiInterface: Equatable {
    var name: String
    var type: Int64
    /// MHz.
    var frequency: Int64
}

struct WifiBSS: Equatable {
    var ssid: String
    var bssid: [UInt8]
    /// mdlayher/wifi's BSSStatus: 0 authenticated, 1 associated, 2 IBSS joined.
    var status: Int64
}

struct WifiStation: Equatable {
    var hardwareAddress: [UInt8]
    var connectedNanoseconds: Int64 = 0
    var inactiveNanoseconds: Int64 = 0
    var receivedBytes: Int64 = 0
    var transmittedBytes: Int64 = 0
    var receivedPackets: Int64 = 0
    var transmittedPackets: Int64 = 0
    var receiveBitrate: Int64 = 0
    var transmitBitrate: Int64 = 0
    var signal: Int64 = 0
    var transmitRetries: Int64 = 0
    var transmitFailed: Int64 = 0
    var beaconLoss: Int64 = 0
}

enum WifiFixtures {
    /// interfaces.json: a list of interfaces (a null entry reads as an unnamed one).
    static func interfaces(_ text: String) throws(KernelParseError) -> [WifiInterface] {
        var result: [WifiInterface] = []
        for entry in try parseJSON(text).elements() {
            result.append(WifiInterface(name: try entry.text("Name"), type: try entry.signed("Type"), frequency: try entry.signed("Frequency")))
        }
        return result
    }

    /// `<device>/bss.json`: one BSS object.
    static func bss(_ text: String) throws(KernelParseError) -> WifiBSS {
        let object = try parseJSON(text)
        return WifiBSS(ssid: try object.text("SSID"), bssid: try hardwareAddress(object, "BSSID"), status: try object.signed("Status"))
    }

    /// `<device>/stationinfo.json`: a list of stations.
    static func stations(_ text: String) throws(KernelParseError) -> [WifiStation] {
        var result: [WifiStation] = []
        for entry in try parseJSON(text).elements() {
            var station = WifiStation(hardwareAddress: try hardwareAddress(entry, "HardwareAddr"))
            station.connectedNanoseconds = try entry.signed("Connected")
            station.inactiveNanoseconds = try entry.signed("Inactive")
            station.receivedBytes = try entry.signed("ReceivedBytes")
            station.transmittedBytes = try entry.signed("TransmittedBytes")
            station.receivedPackets = try entry.signed("ReceivedPackets")
            station.transmittedPackets = try entry.signed("TransmittedPackets")
            station.receiveBitrate = try entry.signed("ReceiveBitrate")
            station.transmitBitrate = try entry.signed("TransmitBitrate")
            station.signal = try entry.signed("Signal")
            station.transmitRetries = try entry.signed("TransmitRetries")
            station.transmitFailed = try entry.signed("TransmitFailed")
            station.beaconLoss = try entry.signed("BeaconLoss")
            result.append(station)
        }
        return result
    }

    /// A `net.HardwareAddr` ([]byte): standard base64 with padding, as Go encodes byte slices.
    static func hardwareAddress(_ object: JSONValue, _ name: String) throws(KernelParseError) -> [UInt8] {
        let text = try object.text(name)
        guard let bytes = base64Decoded(text) else {
            throw KernelParseError("json: illegal base64 data in field \(name): \"\(text)\"")
        }
        return bytes
    }

    static func base64Decoded(_ text: String) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var values: [UInt8: UInt32] = [:]
        for (index, character) in alphabet.enumerated() { values[character] = UInt32(index) }
        // Go's decoder skips newlines.
        let input = Array(text.utf8).filter { $0 != 0x0a && $0 != 0x0d }
        guard input.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        var index = 0
        while index < input.count {
            let quad = input[index..<(index + 4)]
            let padding = quad.reversed().prefix { $0 == UInt8(ascii: "=") }.count
            // Padding only at the very end, at most two characters.
            guard padding <= 2, padding == 0 || index + 4 == input.count else { return nil }
            var group: UInt32 = 0
            for character in quad.prefix(4 - padding) {
                guard let value = values[character] else { return nil }
                group = group << 6 | value
            }
            group <<= UInt32(6 * padding)
            let decoded = [UInt8(truncatingIfNeeded: group >> 16), UInt8(truncatingIfNeeded: group >> 8), UInt8(truncatingIfNeeded: group)]
            output += decoded.prefix(3 - padding)
            index += 4
        }
        return output
    }

    /// Go's `net.HardwareAddr.String`: lowercase hex pairs joined by ':'.
    static func macString(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
        }.joined(separator: ":")
    }
}
