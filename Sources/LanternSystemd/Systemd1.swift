/// systemd's manager API (`org.freedesktop.systemd1`), typed.
public enum Systemd1 {
    public static let destination = "org.freedesktop.systemd1"
    public static let managerPath = "/org/freedesktop/systemd1"
    public static let managerInterface = "org.freedesktop.systemd1.Manager"
    public static let unitInterface = "org.freedesktop.systemd1.Unit"
    /// Followed by the unit type (`Service`, `Socket`, ...): that type's interface.
    public static let typeInterfacePrefix = "org.freedesktop.systemd1."

    /// One entry of `Manager.ListUnits`: every unit systemd holds in memory, loaded or not.
    public struct Unit: Sendable, Equatable {
        public var name: String
        public var loadState: String
        public var activeState: String
        public var subState: String
        /// The unit's object path, for property calls.
        public var path: String

        public init(name: String, loadState: String, activeState: String, subState: String, path: String) {
            self.name = name
            self.loadState = loadState
            self.activeState = activeState
            self.subState = subState
            self.path = path
        }
    }

    public static func listUnits(_ session: BusSession) throws(BusError) -> [Unit] {
        let reply = try session.call(destination: destination, path: managerPath, interface: managerInterface, member: "ListUnits")
        return try reply.readArray(of: "(ssssssouso)") { message throws(BusError) in
            try message.readStruct("ssssssouso") { entry throws(BusError) in
                let name = try entry.readString()
                _ = try entry.readString()  // description
                let loadState = try entry.readString()
                let activeState = try entry.readString()
                let subState = try entry.readString()
                _ = try entry.readString()  // following
                let path = try entry.readObjectPath()
                _ = try entry.readUInt32()  // job id
                _ = try entry.readString()  // job type
                _ = try entry.readObjectPath()  // job path
                return Unit(name: name, loadState: loadState, activeState: activeState, subState: subState, path: path)
            }
        }
    }

    /// The manager's properties (Version, Virtualization, SystemState, ...), one round trip.
    public static func managerProperties(_ session: BusSession) throws(BusError) -> BusProperties {
        try session.properties(destination: destination, path: managerPath, interface: managerInterface)
    }
}
