import Glibc
import LanternSupport
@testable import LanternCollectors
import LanternMetrics
import Testing

/// An RTM_NEWROUTE message: rtmsg then the attributes.
private func routeMessage(family: UInt8 = UInt8(AF_INET), destinationLength: UInt8, protocolNumber: UInt8 = 4,
                          type: UInt8 = 1, attributes: [(UInt16, [UInt8])]) -> NetlinkMessage {
    var body: [UInt8] = [family, destinationLength, 0, 0, 254, protocolNumber, 0, type, 0, 0, 0, 0]
    for (attributeType, value) in attributes { body.appendAttribute(type: attributeType, value: value) }
    return NetlinkMessage(type: Route.newRoute, flags: 2, sequence: 1, portID: 0, payload: body[...])
}

private func nativeBytes<Value: FixedWidthInteger>(_ value: Value) -> [UInt8] {
    withUnsafeBytes(of: value) { Array($0) }
}

/// One rtnexthop with an optional RTA_GATEWAY.
private func nextHop(interface: UInt32, hops: UInt8, gateway: [UInt8]? = nil, lengthOverride: UInt16? = nil) -> [UInt8] {
    var attributes: [UInt8] = []
    if let gateway { attributes.appendAttribute(type: Route.attributeGateway, value: gateway) }
    var bytes = nativeBytes(lengthOverride ?? UInt16(8 + attributes.count)) + [0, hops] + nativeBytes(interface)
    bytes += attributes
    return bytes
}

@Suite struct NetworkRouteTests {
    @Test func goIPStrings() {
        #expect(GoIPString.address([10, 0, 0, 1]) == "10.0.0.1")
        #expect(GoIPString.address([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]) == "1.2.3.4")
        #expect(GoIPString.address([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]) == "::102:304")
        #expect(GoIPString.address([0xfe, 0x80] + [UInt8](repeating: 0, count: 13) + [1]) == "fe80::1")
        #expect(GoIPString.address([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]) == "2001:db8:0:1::1")
        #expect(GoIPString.address([UInt8](repeating: 0, count: 16)) == "::")
        #expect(GoIPString.address([0x20, 0x01, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]) == "2001:0:1::1:0:0")
        #expect(GoIPString.address([1, 2, 3]) == "?010203")
        #expect(GoIPString.network([10, 1, 2, 3], prefixLength: 8) == "10.0.0.0/8")
        #expect(GoIPString.network([127, 0, 0, 1], prefixLength: 32) == "127.0.0.1/32")
        #expect(GoIPString.network([0xfd, 0, 0, 0, 0, 0, 0, 0, 0xaa] + [UInt8](repeating: 0, count: 7), prefixLength: 64) == "fd00::/64")
        #expect(GoIPString.network([10, 0, 0, 0], prefixLength: 33) == "<nil>")
        #expect(GoIPString.network([], prefixLength: 8) == "<nil>")
    }

    @Test func parsesSingleAndMultipathRoutes() throws {
        let single = try #require(try Route.parse(routeMessage(destinationLength: 24, attributes: [
            (Route.attributeDestination, [192, 0, 2, 0]), (Route.attributePreferredSource, [192, 0, 2, 2]),
            (Route.attributeGateway, [192, 0, 2, 1]), (Route.attributeOutputInterface, nativeBytes(UInt32(2))),
            (Route.attributePriority, nativeBytes(UInt32(100))),
        ])))
        #expect(single == Route(family: 2, destinationLength: 24, protocolNumber: 4, type: 1, destination: [192, 0, 2, 0],
                                preferredSource: [192, 0, 2, 2], gateway: [192, 0, 2, 1], outputInterface: 2, priority: 100))

        let multipath = try #require(try Route.parse(routeMessage(destinationLength: 0, attributes: [
            (Route.attributeMultipath, nextHop(interface: 3, hops: 0, gateway: [10, 0, 0, 1]) + nextHop(interface: 4, hops: 2)),
        ])))
        #expect(multipath.nextHops == [
            Route.NextHop(interfaceIndex: 3, hops: 0, gateway: [10, 0, 0, 1]), Route.NextHop(interfaceIndex: 4, hops: 2, gateway: nil),
        ])
    }

    @Test func malformedRoutesAreErrorsNamingTheProblem() throws {
        #expect(throws: KernelParseError("route gateway address of 3 bytes")) {
            try Route.parse(routeMessage(destinationLength: 0, attributes: [(Route.attributeGateway, [1, 2, 3])]))
        }
        #expect(throws: KernelParseError("multipath next hop length 200 does not fit the 16 bytes left")) {
            try Route.parse(routeMessage(destinationLength: 0, attributes: [
                (Route.attributeMultipath, nextHop(interface: 1, hops: 0, lengthOverride: 200) + [UInt8](repeating: 0, count: 8)),
            ]))
        }
        #expect(throws: KernelParseError("multipath next hop length 2 does not fit the 8 bytes left")) {
            try Route.parse(routeMessage(destinationLength: 0, attributes: [(Route.attributeMultipath, nextHop(interface: 1, hops: 0, lengthOverride: 2))]))
        }
        let short = NetlinkMessage(type: Route.newRoute, flags: 0, sequence: 0, portID: 0, payload: [2, 0, 0][...])
        #expect(throws: KernelParseError("route message of 3 bytes is shorter than rtmsg")) { try Route.parse(short) }
        let other = NetlinkMessage(type: 16, flags: 0, sequence: 0, portID: 0, payload: [][...])
        #expect(try Route.parse(other) == nil)
    }

    @Test func corruptedRouteMessagesNeverCrash() throws {
        let valid = routeMessage(destinationLength: 24, attributes: [
            (Route.attributeDestination, [192, 0, 2, 0]),
            (Route.attributeMultipath, nextHop(interface: 3, hops: 0, gateway: [10, 0, 0, 1])),
        ])
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var bytes = Array(valid.payload)
            for _ in 0..<3 { bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            let cut = Int.random(in: 0...bytes.count, using: &generator)
            _ = try? Route.parse(NetlinkMessage(type: Route.newRoute, flags: 0, sequence: 0, portID: 0, payload: bytes.prefix(cut)))
        }
    }

    @Test func onlyUnicastRoutesWithNodeExporterLabels() throws {
        let links = [RouteLink(index: 1, name: "lo"), RouteLink(index: 2, name: "eth0"), RouteLink(index: 3, name: "eth1")]
        let routes = [
            Route(family: 2, destinationLength: 0, protocolNumber: 3, type: 1, gateway: [192, 0, 2, 1], outputInterface: 2),
            Route(family: 2, destinationLength: 24, protocolNumber: 2, type: 1, destination: [192, 0, 2, 0],
                  preferredSource: [192, 0, 2, 2], outputInterface: 2, priority: 100),
            Route(family: 2, destinationLength: 8, protocolNumber: 2, type: 2, destination: [127, 0, 0, 0], outputInterface: 1),
            Route(family: 10, destinationLength: 64, protocolNumber: 186, type: 1, destination: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 12),
                  nextHops: [.init(interfaceIndex: 2, hops: 0, gateway: [0xfe, 0x80] + [UInt8](repeating: 0, count: 13) + [1]),
                             .init(interfaceIndex: 9, hops: 4)]),
            Route(family: 2, destinationLength: 32, protocolNumber: 99, type: 1, destination: [10, 9, 8, 7], outputInterface: 3),
        ]
        let sink = MetricSink()
        try NetworkRouteCollector { (links, routes) }.collect(into: sink)
        #expect(sink.problems.isEmpty)
        let lines = Exposition.collected(from: sink).samples.map(\.description)
        #expect(lines == [
            #"node_network_route_info{dest="10.9.8.7/32",device="eth1",gw="",priority="0",proto="unknown",src="",weight=""} 1.0"#,
            #"node_network_route_info{dest="192.0.2.0/24",device="eth0",gw="",priority="100",proto="kernel",src="192.0.2.2",weight=""} 1.0"#,
            #"node_network_route_info{dest="2001:db8::/64",device="",gw="",priority="0",proto="bgp",src="",weight="5"} 1.0"#,
            #"node_network_route_info{dest="2001:db8::/64",device="eth0",gw="fe80::1",priority="0",proto="bgp",src="",weight="1"} 1.0"#,
            #"node_network_route_info{dest="default",device="eth0",gw="192.0.2.1",priority="0",proto="boot",src="",weight=""} 1.0"#,
            #"node_network_routes{device=""} 1.0"#,
            #"node_network_routes{device="eth0"} 3.0"#,
            #"node_network_routes{device="eth1"} 1.0"#,
        ])
        #expect(sink.families.map(\.help) == ["network routing table information", "network routes by interface"])
    }

    /// This host's routes against `ip -d -j route show table all` (IPv4 and IPv6), with a
    /// veth pair carrying a static route and a multipath route when interfaces can be made.
    @Test func liveRoutesMatchIproute2() throws {
        let (pair, reason) = VethPair.make(tag: "rt")
        if let pair {
            let suffix = getpid() % 200
            _ = shell("ip route add 203.0.113.\(suffix)/32 dev \(pair.first) proto static metric 9")
            _ = shell("ip route add 198.51.100.\(suffix)/32 proto static nexthop dev \(pair.first) weight 1 nexthop dev \(pair.second) weight 3")
        } else {
            print("liveRoutesMatchIproute2: no veth routes: \(reason)")
        }
        guard shell("command -v ip").status == 0 else {
            print("liveRoutesMatchIproute2 skipped: iproute2's ip is not installed")
            return
        }
        let flags = try defaultFlags(["collector.network_route": "true"])
        // Routes can change between the two reads (other tests make veth pairs): compare twice at most.
        var expected: Set<String> = []
        var actual: Set<String> = []
        for _ in 0..<2 {
            expected = try Self.iproute2Routes()
            let sink = try scrape("network_route", paths: HostPaths(), flags: flags)
            actual = Set(Exposition.collected(from: sink).samples.filter { $0.name == "node_network_route_info" }.map(\.labels))
            if expected == actual { break }
        }
        #expect(!actual.isEmpty)
        #expect(actual == expected)
        if let pair {
            #expect(actual.contains { $0.contains("device=\"\(pair.second)\"") && $0.contains("proto=\"static\",src=\"\",weight=\"3\"") })
            #expect(actual.contains { $0.contains("device=\"\(pair.first)\"") && $0.contains("priority=\"9\"") })
        }
    }

    /// The unicast routes iproute2 lists, as node_network_route_info label sets.
    private static func iproute2Routes() throws -> Set<String> {
        var result: Set<String> = []
        for family in ["-4", "-6"] {
            for route in try JSONValue.parse(shell("ip \(family) -d -j route show table all").output).elements() {
                guard case .string("unicast") = route.member("type") else { continue }
                var destination = Self.text(route, "dst")
                if destination != "default" && !destination.contains("/") { destination += family == "-4" ? "/32" : "/128" }
                let metric = route.member("metric").flatMap { if case .number(let value) = $0 { value } else { nil } } ?? "0"
                let common = (src: Self.text(route, "prefsrc"), dest: destination, priority: metric, proto: Self.text(route, "protocol"))
                func labels(_ device: String, _ gateway: String, _ weight: String) -> String {
                    "dest=\"\(common.dest)\",device=\"\(device)\",gw=\"\(gateway)\",priority=\"\(common.priority)\",proto=\"\(common.proto)\",src=\"\(common.src)\",weight=\"\(weight)\""
                }
                if let hops = route.member("nexthops"), case .array(let list) = hops {
                    for hop in list {
                        let weight = hop.member("weight").flatMap { if case .number(let value) = $0 { value } else { nil } } ?? "1"
                        result.insert(labels(Self.text(hop, "dev"), Self.text(hop, "gateway"), weight))
                    }
                } else {
                    result.insert(labels(Self.text(route, "dev"), Self.text(route, "gateway"), ""))
                }
            }
        }
        return result
    }

    private static func text(_ object: JSONValue, _ name: String) -> String {
        if case .string(let value) = object.member(name) { return value }
        return ""
    }
}
