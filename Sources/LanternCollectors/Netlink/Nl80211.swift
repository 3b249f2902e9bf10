import Glibc

/// nl80211 over generic netlink: the wifi interfaces (NL80211_CMD_GET_INTERFACE), the BSS
/// an interface is associated with (GET_SCAN) and its stations (GET_STATION), decoded as
/// mdlayher/wifi decodes them for node_exporter. A fixed-size attribute of the wrong
/// size is an error here (mdlayher's decoder would panic on it).
enum Nl80211 {
    static let commandGetInterface: UInt8 = 5
    static let commandGetStation: UInt8 = 17
    static let commandGetScan: UInt8 = 32
    /// nl80211's generic netlink family version.
    static let version: UInt8 = 1

    static let attributeWiphy: UInt16 = 1
    static let attributeInterfaceIndex: UInt16 = 3
    static let attributeInterfaceName: UInt16 = 4
    static let attributeInterfaceType: UInt16 = 5
    static let attributeMAC: UInt16 = 6
    static let attributeStationInfo: UInt16 = 21
    static let attributeFrequency: UInt16 = 38
    static let attributeBSS: UInt16 = 47

    static let bssBSSID: UInt16 = 1
    static let bssInformationElements: UInt16 = 6
    static let bssStatus: UInt16 = 9
    /// The SSID information element.
    static let elementSSID: UInt8 = 0

    static let stationInactiveTime: UInt16 = 1
    static let stationReceivedBytes32: UInt16 = 2
    static let stationTransmittedBytes32: UInt16 = 3
    static let stationSignal: UInt16 = 7
    static let stationTransmitBitrate: UInt16 = 8
    static let stationReceivedPackets: UInt16 = 9
    static let stationTransmittedPackets: UInt16 = 10
    static let stationTransmitRetries: UInt16 = 11
    static let stationTransmitFailed: UInt16 = 12
    static let stationReceiveBitrate: UInt16 = 14
    static let stationConnectedTime: UInt16 = 16
    static let stationBeaconLoss: UInt16 = 18
    static let stationReceivedBytes64: UInt16 = 23
    static let stationTransmittedBytes64: UInt16 = 24

    static let rateBitrate16: UInt16 = 1
    static let rateBitrate32: UInt16 = 5

    /// One interface of a GET_INTERFACE answer, with the index later requests name it by.
    struct Interface: Equatable {
        var index: UInt32
        var hardwareAddress: [UInt8]?
        var wifi: WifiInterface
    }

    /// A generic netlink request body: genlmsghdr, then the attributes.
    static func request(_ command: UInt8, interface: Interface? = nil) -> [UInt8] {
        var body: [UInt8] = [command, version, 0, 0]
        if let interface {
            body.appendAttribute(type: attributeInterfaceIndex, value: withUnsafeBytes(of: interface.index) { Array($0) })
            if let address = interface.hardwareAddress { body.appendAttribute(type: attributeMAC, value: address) }
        }
        return body
    }

    /// The attributes after the genlmsghdr of an nl80211 message.
    static func attributes(_ message: NetlinkMessage) throws(KernelParseError) -> [NetlinkAttribute] {
        guard message.payload.count >= GenericNetlink.headerSize else {
            throw KernelParseError("nl80211 message of \(message.payload.count) bytes is shorter than its generic netlink header")
        }
        return NetlinkAttribute.all(in: message.payload.dropFirst(GenericNetlink.headerSize))
    }

    static func interfaces(_ messages: [NetlinkMessage]) throws(KernelParseError) -> [Interface] {
        var result: [Interface] = []
        for message in messages {
            var interface = Interface(index: 0, hardwareAddress: nil, wifi: WifiInterface(name: "", type: 0, frequency: 0))
            for attribute in try attributes(message) {
                switch attribute.type {
                case attributeInterfaceIndex: interface.index = try uint32(attribute, "interface index")
                case attributeInterfaceName: interface.wifi.name = attribute.string
                case attributeMAC: interface.hardwareAddress = Array(attribute.value)
                case attributeInterfaceType: interface.wifi.type = Int64(try uint32(attribute, "interface type"))
                case attributeFrequency: interface.wifi.frequency = Int64(try uint32(attribute, "frequency"))
                default: break
                }
            }
            result.append(interface)
        }
        return result
    }

    /// The BSS carrying a status (the one the interface is authenticated or associated
    /// with, or joined); nil when the scan results have none.
    static func associatedBSS(_ messages: [NetlinkMessage]) throws(KernelParseError) -> WifiBSS? {
        for message in messages {
            for attribute in try attributes(message) where attribute.type == attributeBSS {
                let nested = NetlinkAttribute.all(in: attribute.value)
                guard nested.contains(where: { $0.type == bssStatus }) else { continue }
                var bss = WifiBSS(ssid: "", bssid: [], status: 0)
                for field in nested {
                    switch field.type {
                    case bssBSSID: bss.bssid = Array(field.value)
                    case bssStatus: bss.status = Int64(try uint32(field, "BSS status"))
                    case bssInformationElements:
                        for element in try informationElements(field.value) where element.id == elementSSID {
                            bss.ssid = String(decoding: element.data, as: UTF8.self)
                        }
                    default: break
                    }
                }
                return bss
            }
        }
        return nil
    }

    /// 802.11 information elements: id, length, data.
    static func informationElements(_ bytes: ArraySlice<UInt8>) throws(KernelParseError) -> [(id: UInt8, data: ArraySlice<UInt8>)] {
        var elements: [(id: UInt8, data: ArraySlice<UInt8>)] = []
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            guard bytes.endIndex - offset >= 2 else { throw KernelParseError("invalid 802.11 information element: truncated header") }
            let length = Int(bytes[offset + 1])
            let start = offset + 2
            guard bytes.endIndex - start >= length else {
                throw KernelParseError("invalid 802.11 information element: length \(length) exceeds the \(bytes.endIndex - start) bytes left")
            }
            elements.append((bytes[offset], bytes[start..<(start + length)]))
            offset = start + length
        }
        return elements
    }

    /// One GET_STATION answer; nil when it carries no station information (mdlayher
    /// returns os.ErrNotExist for it, and node_exporter then skips all stations).
    static func station(_ message: NetlinkMessage) throws(KernelParseError) -> WifiStation? {
        var address: [UInt8] = []
        for attribute in try attributes(message) {
            if attribute.type == attributeMAC { address = Array(attribute.value) }
            guard attribute.type == attributeStationInfo else { continue }
            var station = WifiStation(hardwareAddress: address)
            for field in NetlinkAttribute.all(in: attribute.value) {
                try apply(field, to: &station)
            }
            return station
        }
        return nil
    }

    private static func apply(_ field: NetlinkAttribute, to station: inout WifiStation) throws(KernelParseError) {
        switch field.type {
        case stationConnectedTime: station.connectedNanoseconds = Int64(try uint32(field, "connected time")) * 1_000_000_000
        case stationInactiveTime: station.inactiveNanoseconds = Int64(try uint32(field, "inactive time")) * 1_000_000
        case stationReceivedBytes64: station.receivedBytes = Int64(truncatingIfNeeded: try uint64(field, "received bytes"))
        case stationTransmittedBytes64: station.transmittedBytes = Int64(truncatingIfNeeded: try uint64(field, "transmitted bytes"))
        // The 32-bit byte counters count only while no 64-bit one has set a value.
        case stationReceivedBytes32 where station.receivedBytes == 0:
            station.receivedBytes = Int64(try uint32(field, "received bytes"))
        case stationTransmittedBytes32 where station.transmittedBytes == 0:
            station.transmittedBytes = Int64(try uint32(field, "transmitted bytes"))
        case stationSignal:
            guard let first = field.value.first else { throw KernelParseError("nl80211 signal attribute is empty") }
            station.signal = Int64(Int8(bitPattern: first))
        case stationReceivedPackets: station.receivedPackets = Int64(try uint32(field, "received packets"))
        case stationTransmittedPackets: station.transmittedPackets = Int64(try uint32(field, "transmitted packets"))
        case stationTransmitRetries: station.transmitRetries = Int64(try uint32(field, "transmit retries"))
        case stationTransmitFailed: station.transmitFailed = Int64(try uint32(field, "transmit failures"))
        case stationBeaconLoss: station.beaconLoss = Int64(try uint32(field, "beacon losses"))
        case stationReceiveBitrate: station.receiveBitrate = try bitrate(field.value)
        case stationTransmitBitrate: station.transmitBitrate = try bitrate(field.value)
        default: break
        }
    }

    /// A nested rate info in bits per second: the 32-bit rate, else the 16-bit one, in 100 kbit/s.
    static func bitrate(_ bytes: ArraySlice<UInt8>) throws(KernelParseError) -> Int64 {
        var rate: Int64 = 0
        for field in NetlinkAttribute.all(in: bytes) {
            if field.type == rateBitrate32 {
                rate = Int64(try uint32(field, "bitrate"))
            } else if field.type == rateBitrate16, rate == 0 {
                guard field.value.count == 2, let value = field.value.nativeUInt16(at: 0) else {
                    throw KernelParseError("nl80211 16-bit bitrate attribute has \(field.value.count) bytes")
                }
                rate = Int64(value)
            }
        }
        return rate * 100_000
    }

    private static func uint32(_ attribute: NetlinkAttribute, _ what: String) throws(KernelParseError) -> UInt32 {
        guard attribute.value.count == 4, let value = attribute.value.nativeUInt32(at: 0) else {
            throw KernelParseError("nl80211 \(what) attribute has \(attribute.value.count) bytes, expected 4")
        }
        return value
    }

    private static func uint64(_ attribute: NetlinkAttribute, _ what: String) throws(KernelParseError) -> UInt64 {
        guard attribute.value.count == 8, let value = attribute.value.nativeUInt64(at: 0) else {
            throw KernelParseError("nl80211 \(what) attribute has \(attribute.value.count) bytes, expected 8")
        }
        return value
    }
}

/// A generic netlink connection to nl80211, one socket per request as the other dumps.
struct Nl80211Client {
    let familyID: UInt16

    func interfaces() throws(NetlinkError) -> [Nl80211.Interface] {
        try decode(dump(Nl80211.request(Nl80211.commandGetInterface)), with: Nl80211.interfaces)
    }

    func associatedBSS(_ interface: Nl80211.Interface) throws(NetlinkError) -> WifiBSS? {
        try decode(dump(Nl80211.request(Nl80211.commandGetScan, interface: interface)), with: Nl80211.associatedBSS)
    }

    /// nil when an answer carries no station information.
    func stations(_ interface: Nl80211.Interface) throws(NetlinkError) -> [WifiStation]? {
        let messages = try dump(Nl80211.request(Nl80211.commandGetStation, interface: interface))
        return try decode(messages) { messages throws(KernelParseError) in
            var stations: [WifiStation] = []
            for message in messages {
                guard let station = try Nl80211.station(message) else { return nil }
                stations.append(station)
            }
            return stations
        }
    }

    private func dump(_ body: [UInt8]) throws(NetlinkError) -> [NetlinkMessage] {
        try NetlinkSocket.dump(protocol: NetlinkSocket.generic, type: familyID, body: body)
    }

    private func decode<Value>(
        _ messages: [NetlinkMessage], with parse: ([NetlinkMessage]) throws(KernelParseError) -> Value
    ) throws(NetlinkError) -> Value {
        do {
            return try parse(messages)
        } catch {
            throw NetlinkError(error.reason)
        }
    }
}
