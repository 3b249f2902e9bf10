import Glibc
@testable import LanternCollectors
import LanternMetrics
import Testing

/// nl80211 answers built byte by byte from the attribute layout of linux/nl80211.h,
/// mirroring node_exporter's wifi fixtures so both paths must decode to the same values.
private enum Bytes {
    static let family: UInt16 = 0x1c

    static func u32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }
    static func u64(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }
    static func u16(_ value: UInt16) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }

    static func attributes(_ list: [(UInt16, [UInt8])]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (type, value) in list { bytes.appendAttribute(type: type, value: value) }
        return bytes
    }

    /// A generic netlink message of nl80211: genlmsghdr then attributes.
    static func message(_ command: UInt8, _ list: [(UInt16, [UInt8])]) -> NetlinkMessage {
        NetlinkMessage(type: family, flags: 2, sequence: 1, portID: 0, payload: ([command, 1, 0, 0] + attributes(list))[...])
    }

    static func interface(index: UInt32, name: String?, type: UInt32, frequency: UInt32?) -> NetlinkMessage {
        var list: [(UInt16, [UInt8])] = [(Nl80211.attributeInterfaceIndex, u32(index)), (Nl80211.attributeWiphy, u32(0))]
        if let name { list.append((Nl80211.attributeInterfaceName, Array(name.utf8) + [0])) }
        list.append((Nl80211.attributeInterfaceType, u32(type)))
        list.append((Nl80211.attributeMAC, [2, 0, 0, 0, 0, UInt8(index)]))
        if let frequency { list.append((Nl80211.attributeFrequency, u32(frequency))) }
        return message(Nl80211.commandGetInterface, list)
    }

    static func scanResult(bssid: [UInt8], elements: [UInt8], status: UInt32?) -> NetlinkMessage {
        var bss: [(UInt16, [UInt8])] = [(Nl80211.bssBSSID, bssid), (2, u32(2412)), (Nl80211.bssInformationElements, elements)]
        if let status { bss.append((Nl80211.bssStatus, u32(status))) }
        return message(Nl80211.commandGetScan, [(Nl80211.attributeInterfaceIndex, u32(3)), (Nl80211.attributeBSS | 0x8000, attributes(bss))])
    }

    static func station(mac: [UInt8], info: [(UInt16, [UInt8])]) -> NetlinkMessage {
        message(Nl80211.commandGetStation, [
            (Nl80211.attributeInterfaceIndex, u32(3)), (Nl80211.attributeMAC, mac), (Nl80211.attributeStationInfo | 0x8000, attributes(info)),
        ])
    }

    /// The two stations of wifi/wlan0/stationinfo.json: receive rates as 32-bit, transmit
    /// rates as 16-bit rate infos (100 kbit/s units).
    static let fixtureStations = [
        station(mac: [0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff], info: [
            (Nl80211.stationConnectedTime, u32(30)), (Nl80211.stationInactiveTime, u32(400)),
            (Nl80211.stationReceiveBitrate | 0x8000, attributes([(Nl80211.rateBitrate32, u32(1280))])),
            (Nl80211.stationTransmitBitrate | 0x8000, attributes([(Nl80211.rateBitrate16, u16(1640))])),
            (Nl80211.stationSignal, [UInt8(bitPattern: -52)]), (Nl80211.stationTransmitRetries, u32(10)),
            (Nl80211.stationTransmitFailed, u32(2)), (Nl80211.stationBeaconLoss, u32(1)),
        ]),
        station(mac: [1, 2, 3, 4, 5, 6], info: [
            (Nl80211.stationConnectedTime, u32(60)), (Nl80211.stationInactiveTime, u32(800)),
            (Nl80211.stationReceiveBitrate | 0x8000, attributes([(Nl80211.rateBitrate16, u16(9)), (Nl80211.rateBitrate32, u32(2560))])),
            (Nl80211.stationTransmitBitrate | 0x8000, attributes([(Nl80211.rateBitrate32, u32(3280))])),
            (Nl80211.stationSignal, [UInt8(bitPattern: -26)]), (Nl80211.stationTransmitRetries, u32(20)),
            (Nl80211.stationTransmitFailed, u32(4)), (Nl80211.stationBeaconLoss, u32(2)),
        ]),
    ]
}

@Suite struct NetworkNl80211Tests {
    @Test func interfacesDecodeLikeTheFixtures() throws {
        let messages = [
            Bytes.interface(index: 3, name: "wlan0", type: 2, frequency: 2412), Bytes.interface(index: 4, name: "wlan1", type: 3, frequency: 2412),
            Bytes.interface(index: 5, name: nil, type: 10, frequency: nil),
        ]
        let interfaces = try Nl80211.interfaces(messages)
        #expect(interfaces.map(\.wifi) == (try WifiFixtures.interfaces(try Fixtures.read("wifi/interfaces.json"))))
        #expect(interfaces.map(\.index) == [3, 4, 5])
        #expect(interfaces.first?.hardwareAddress == [2, 0, 0, 0, 0, 3])
    }

    @Test func associatedBSSDecodesLikeTheFixture() throws {
        // Another access point first (no status), then the associated one; SSID from its IEs.
        let elements: [UInt8] = [0, 7] + Array("Example".utf8) + [1, 2, 0x82, 0x84]
        let messages = [
            Bytes.scanResult(bssid: [9, 9, 9, 9, 9, 9], elements: [0, 5] + Array("Other".utf8), status: nil),
            Bytes.scanResult(bssid: [0x00, 0x11, 0x22, 0x33, 0x44, 0x55], elements: elements, status: 1),
        ]
        let bss = try Nl80211.associatedBSS(messages)
        #expect(bss == (try WifiFixtures.bss(try Fixtures.read("wifi/wlan0/bss.json"))))
        #expect(try Nl80211.associatedBSS(Array(messages.prefix(1))) == nil)
        #expect(try Nl80211.associatedBSS([]) == nil)
    }

    @Test func stationsDecodeLikeTheFixtures() throws {
        let stations = try Bytes.fixtureStations.map { try #require(try Nl80211.station($0)) }
        #expect(stations == (try WifiFixtures.stations(try Fixtures.read("wifi/wlan0/stationinfo.json"))))
    }

    @Test func byteCountersPreferSixtyFourBits() throws {
        let info: [(UInt16, [UInt8])] = [
            (Nl80211.stationReceivedBytes32, Bytes.u32(5)), (Nl80211.stationReceivedBytes64, Bytes.u64(1 << 40)),
            (Nl80211.stationTransmittedBytes64, Bytes.u64(7)), (Nl80211.stationTransmittedBytes32, Bytes.u32(9)),
            (Nl80211.stationReceivedPackets, Bytes.u32(11)), (Nl80211.stationTransmittedPackets, Bytes.u32(12)),
        ]
        let station = try #require(try Nl80211.station(Bytes.station(mac: [1, 2, 3, 4, 5, 6], info: info)))
        #expect(station.receivedBytes == 1 << 40)
        #expect(station.transmittedBytes == 7)
        #expect([station.receivedPackets, station.transmittedPackets] == [11, 12])
    }

    @Test func stationWithoutInformationIsNotFound() throws {
        let message = Bytes.message(Nl80211.commandGetStation, [(Nl80211.attributeMAC, [1, 2, 3, 4, 5, 6])])
        #expect(try Nl80211.station(message) == nil)
    }

    @Test func requestsNameTheInterface() {
        let interface = Nl80211.Interface(index: 3, hardwareAddress: [1, 2, 3, 4, 5, 6], wifi: WifiInterface(name: "wlan0", type: 2, frequency: 0))
        #expect(Nl80211.request(Nl80211.commandGetStation, interface: interface)
            == [17, 1, 0, 0, 8, 0, 3, 0, 3, 0, 0, 0, 10, 0, 6, 0, 1, 2, 3, 4, 5, 6, 0, 0])
        #expect(Nl80211.request(Nl80211.commandGetInterface) == [5, 1, 0, 0])
    }

    @Test func malformedAnswersAreErrorsNamingTheProblem() {
        let short = NetlinkMessage(type: Bytes.family, flags: 0, sequence: 0, portID: 0, payload: [5, 1][...])
        #expect(throws: KernelParseError("nl80211 message of 2 bytes is shorter than its generic netlink header")) {
            try Nl80211.interfaces([short])
        }
        #expect(throws: KernelParseError("nl80211 frequency attribute has 2 bytes, expected 4")) {
            try Nl80211.interfaces([Bytes.message(5, [(Nl80211.attributeFrequency, [1, 2])])])
        }
        #expect(throws: KernelParseError("nl80211 signal attribute is empty")) {
            try Nl80211.station(Bytes.station(mac: [1], info: [(Nl80211.stationSignal, [])]))
        }
        #expect(throws: KernelParseError("nl80211 received bytes attribute has 4 bytes, expected 8")) {
            try Nl80211.station(Bytes.station(mac: [1], info: [(Nl80211.stationReceivedBytes64, Bytes.u32(1))]))
        }
        #expect(throws: KernelParseError("nl80211 16-bit bitrate attribute has 4 bytes")) {
            try Nl80211.station(Bytes.station(mac: [1], info: [(Nl80211.stationTransmitBitrate, Bytes.attributes([(Nl80211.rateBitrate16, Bytes.u32(1))]))]))
        }
        #expect(throws: KernelParseError("invalid 802.11 information element: length 9 exceeds the 3 bytes left")) {
            try Nl80211.associatedBSS([Bytes.scanResult(bssid: [1], elements: [0, 9, 65, 66, 67], status: 0)])
        }
        #expect(throws: KernelParseError("invalid 802.11 information element: truncated header")) {
            try Nl80211.associatedBSS([Bytes.scanResult(bssid: [1], elements: [0, 1, 65, 7], status: 0)])
        }
    }

    @Test func corruptedAnswersNeverCrash() {
        let samples = [Bytes.interface(index: 3, name: "wlan0", type: 2, frequency: 2412),
                       Bytes.scanResult(bssid: [0, 1, 2, 3, 4, 5], elements: [0, 3, 65, 66, 67], status: 1)] + Bytes.fixtureStations
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let sample = samples[Int.random(in: 0..<samples.count, using: &generator)]
            var bytes = Array(sample.payload)
            for _ in 0..<3 { bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            let message = NetlinkMessage(type: Bytes.family, flags: 0, sequence: 0, portID: 0,
                                         payload: bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
            _ = try? Nl80211.interfaces([message])
            _ = try? Nl80211.associatedBSS([message])
            _ = try? Nl80211.station(message)
        }
    }
}
