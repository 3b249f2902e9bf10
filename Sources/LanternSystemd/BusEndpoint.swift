import Glibc

/// Where a `BusConnection` connects.
public enum BusEndpoint: Sendable, Equatable {
    /// The system bus: `DBUS_SYSTEM_BUS_ADDRESS` when set, else Debian's socket. With
    /// `fallbackToSystemdPrivate`, a root process that cannot reach it talks to systemd
    /// directly over `/run/systemd/private`, as node_exporter (go-systemd) does.
    case system(fallbackToSystemdPrivate: Bool)
    /// A bus daemon at this address (`unix:path=...`), as a bus client.
    case bus(address: String)
    /// systemd's private socket: a direct connection to the manager, no bus daemon.
    case systemdPrivate

    static let defaultSystemBusAddress = "unix:path=/run/dbus/system_bus_socket"
    static let systemdPrivateAddress = "unix:path=/run/systemd/private"

    /// The connections to try, in order: address and whether it is a bus (Hello and
    /// names) rather than a direct peer.
    var candidates: [(address: String, isBus: Bool)] {
        switch self {
        case .system(let fallback):
            var list = [(Self.systemBusAddress, true)]
            if fallback && geteuid() == 0 { list.append((Self.systemdPrivateAddress, false)) }
            return list
        case .bus(let address):
            return [(address, true)]
        case .systemdPrivate:
            return [(Self.systemdPrivateAddress, false)]
        }
    }

    /// The socket file of a plain `unix:path=` address: one address, no other keys, no
    /// escaped bytes. Nil for any other address, which only sd-bus interprets.
    static func socketPath(of address: String) -> String? {
        let prefix = "unix:path="
        guard address.hasPrefix(prefix) else { return nil }
        let path = address.dropFirst(prefix.count)
        guard !path.isEmpty, !path.contains(where: { $0 == "," || $0 == ";" || $0 == "%" }) else { return nil }
        return String(path)
    }

    static var systemBusAddress: String {
        if let value = getenv("DBUS_SYSTEM_BUS_ADDRESS"), value.pointee != 0 { return String(cString: value) }
        return defaultSystemBusAddress
    }
}
