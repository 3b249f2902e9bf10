@testable import LanternCollectors
import LanternMetrics
import Testing

@Suite struct NetworkWifiTests {
    @Test func fixtureFiles() throws {
        let interfaces = try WifiFixtures.interfaces(try Fixtures.read("wifi/interfaces.json"))
        #expect(interfaces == [
            WifiInterface(name: "wlan0", type: 2, frequency: 2412), WifiInterface(name: "wlan1", type: 3, frequency: 2412),
            WifiInterface(name: "", type: 10, frequency: 0),
        ])
        let bss = try WifiFixtures.bss(try Fixtures.read("wifi/wlan0/bss.json"))
        #expect(bss == WifiBSS(ssid: "Example", bssid: [0x00, 0x11, 0x22, 0x33, 0x44, 0x55], status: 1))
        let stations = try WifiFixtures.stations(try Fixtures.read("wifi/wlan0/stationinfo.json"))
        #expect(stations.map { WifiFixtures.macString($0.hardwareAddress) } == ["aa:bb:cc:dd:ee:ff", "01:02:03:04:05:06"])
        #expect(stations.first?.connectedNanoseconds == 30_000_000_000)
        #expect(WifiCollector.seconds(400_000_000) == 0.4)
    }

    @Test func base64LikeGo() {
        #expect(WifiFixtures.base64Decoded("") == [])
        #expect(WifiFixtures.base64Decoded("AQ==") == [1])
        #expect(WifiFixtures.base64Decoded("AQI=") == [1, 2])
        #expect(WifiFixtures.base64Decoded("AQ") == nil)
        #expect(WifiFixtures.base64Decoded("A===") == nil)
        #expect(WifiFixtures.base64Decoded("AQ==AQ==") == nil)
        #expect(WifiFixtures.base64Decoded("A*==") == nil)
    }

    @Test(arguments: [
        ("{\"BSSID\": \"???\"}", "json: illegal base64 data in field BSSID: \"???\""),
        ("{\"SSID\": 1}", "json: cannot unmarshal number into field SSID of type string"),
        ("{\"Status\": 1e3}", "json: cannot unmarshal number 1e3 into field Status of type int64"),
        ("{", "invalid JSON at offset 1: expected a member name"),
    ])
    func malformedBSS(text: String, reason: String) {
        #expect(throws: KernelParseError(reason)) { try WifiFixtures.bss(text) }
    }

    @Test func malformedStationFileFailsTheCollector() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("interfaces.json", "[{\"name\": \"wlan0\", \"frequency\": 5180}]")
        try scratch.write("wlan0/stationinfo.json", "[{\"signal\": \"strong\"}]")
        let definition = try #require(CollectorTable.definition(named: "wifi"))
        let collector = try definition.make(CollectorContext(
            paths: Fixtures.paths, flags: try defaultFlags(["collector.wifi.fixtures": scratch.path]), logger: testLogger))
        #expect { try collector.collect(into: MetricSink()) } throws: { "\($0)".contains("cannot unmarshal string into field Signal of type int64") }
    }

    @Test func interfaceWithoutBSSOrStationsHasOnlyItsFrequency() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("interfaces.json", "[{\"name\": \"wlan9\", \"frequency\": 5180}, null]")
        let lines = encodedLines(try scrape("wifi", flags: defaultFlags(["collector.wifi.fixtures": scratch.path + "/"])))
        #expect(lines.filter { !$0.hasPrefix("#") } == ["node_wifi_interface_frequency_hertz{device=\"wlan9\"} 5.18e+09"])
    }

    @Test func missingInterfacesFileFails() throws {
        let scratch = try ScratchDirectory()
        let definition = try #require(CollectorTable.definition(named: "wifi"))
        let collector = try definition.make(CollectorContext(
            paths: Fixtures.paths, flags: try defaultFlags(["collector.wifi.fixtures": scratch.path]), logger: testLogger))
        #expect { try collector.collect(into: MetricSink()) } throws: { "\($0)".hasPrefix("failed to retrieve wifi interfaces") }
    }

    /// The live path: the controller answers; without nl80211 the collector exposes nothing,
    /// with it every named wifi interface has at least its frequency.
    @Test func liveGenericNetlinkFamilies() throws {
        let families = try GenericNetlink.families()
        #expect(families["nlctrl"] == GenericNetlink.controllerType)
        let definition = try #require(CollectorTable.definition(named: "wifi"))
        let collector = try definition.make(CollectorContext(paths: HostPaths(), flags: try defaultFlags(), logger: testLogger))
        let sink = MetricSink()
        if families["nl80211"] == nil {
            try collector.collect(into: sink)
            #expect(sink.families.isEmpty)
        } else {
            try collector.collect(into: sink)
            let interfaces = try Nl80211Client(familyID: families["nl80211"] ?? 0).interfaces().filter { !$0.wifi.name.isEmpty }
            #expect(sink.families.first { $0.name == "node_wifi_interface_frequency_hertz" }?.metrics.count ?? 0 == interfaces.count)
        }
    }
}
