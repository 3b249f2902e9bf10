import LanternMetrics

/// node_exporter's `network_route` collector: every unicast route of every routing
/// table (one series per next hop of a multipath route), and the number of routes per
/// output device, from rtnetlink.
public struct NetworkRouteCollector: Collector {
    static let routeInfo = MetricDescriptor(
        name: "node_network_route_info", help: "network routing table information", type: .gauge,
        labels: ["device", "src", "dest", "gw", "priority", "proto", "weight"])
    static let routes = MetricDescriptor(
        name: "node_network_routes", help: "network routes by interface", type: .gauge, labels: ["device"])

    /// Protocol names of linux/rtnetlink.h (RTPROT_*) that node_exporter knows.
    static let protocolNames: [UInt8: String] = [
        0: "unspec", 1: "redirect", 2: "kernel", 3: "boot", 4: "static", 8: "gated", 9: "ra", 10: "mrt", 11: "zebra",
        12: "bird", 13: "dnrouted", 14: "xorp", 15: "ntk", 16: "dhcp", 17: "mrouted", 42: "babel", 186: "bgp",
        187: "isis", 188: "ospf", 189: "rip", 192: "eigrp",
    ]

    private let source: @Sendable () throws -> (links: [RouteLink], routes: [Route])

    public init() {
        self.init {
            let links: [RouteLink]
            do { links = try RouteLink.dump() } catch { throw CollectorError("couldn't get links: \(error)") }
            let routes: [Route]
            do { routes = try Route.dump() } catch { throw CollectorError("couldn't get routes: \(error)") }
            return (links, routes)
        }
    }

    init(source: @escaping @Sendable () throws -> (links: [RouteLink], routes: [Route])) {
        self.source = source
    }

    public func collect(into sink: MetricSink) throws {
        let (links, routes) = try source()
        let names = Dictionary(links.map { (UInt32(bitPattern: $0.index), $0.name) }) { first, _ in first }
        var routesPerDevice: [String: Int] = [:]
        for route in routes where route.type == Route.unicast {
            let source = route.preferredSource.map(GoIPString.address) ?? ""
            let destination = Self.destination(route)
            let priority = String(route.priority)
            let protocolName = Self.protocolNames[route.protocolNumber] ?? "unknown"
            if route.nextHops.isEmpty {
                let device = names[route.outputInterface] ?? ""
                let gateway = route.gateway.map(GoIPString.address) ?? ""
                sink.add(Self.routeInfo, 1, device, source, destination, gateway, priority, protocolName, "")
                routesPerDevice[device, default: 0] += 1
            }
            for hop in route.nextHops {
                let device = names[hop.interfaceIndex] ?? ""
                let gateway = hop.gateway.map(GoIPString.address) ?? ""
                sink.add(Self.routeInfo, 1, device, source, destination, gateway, priority, protocolName, String(Int(hop.hops) + 1))
                routesPerDevice[device, default: 0] += 1
            }
        }
        for (device, count) in routesPerDevice.sorted(by: { $0.key < $1.key }) {
            sink.add(Self.routes, Double(count), device)
        }
    }

    /// "default" for a zero-length prefix, else the masked network in CIDR form.
    static func destination(_ route: Route) -> String {
        guard route.destinationLength > 0 else { return "default" }
        return GoIPString.network(route.destination ?? [], prefixLength: Int(route.destinationLength))
    }
}
