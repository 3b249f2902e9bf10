/// systemd-logind's API (`org.freedesktop.login1`), typed.
public enum Login1 {
    public static let destination = "org.freedesktop.login1"
    public static let managerPath = "/org/freedesktop/login1"
    public static let managerInterface = "org.freedesktop.login1.Manager"
    public static let sessionInterface = "org.freedesktop.login1.Session"

    /// One entry of `Manager.ListSessions`.
    public struct SessionEntry: Sendable, Equatable {
        public var id: String
        public var seat: String
        public var path: String
    }

    /// Seat names from `Manager.ListSeats`.
    public static func listSeats(_ session: BusSession) throws(BusError) -> [String] {
        let reply = try session.call(destination: destination, path: managerPath, interface: managerInterface, member: "ListSeats")
        return try reply.readArray(of: "(so)") { message throws(BusError) in
            try message.readStruct("so") { entry throws(BusError) in
                let seat = try entry.readString()
                _ = try entry.readObjectPath()
                return seat
            }
        }
    }

    public static func listSessions(_ session: BusSession) throws(BusError) -> [SessionEntry] {
        let reply = try session.call(destination: destination, path: managerPath, interface: managerInterface, member: "ListSessions")
        return try reply.readArray(of: "(susso)") { message throws(BusError) in
            try message.readStruct("susso") { entry throws(BusError) in
                let id = try entry.readString()
                _ = try entry.readUInt32()  // uid
                _ = try entry.readString()  // user name
                let seat = try entry.readString()
                let path = try entry.readObjectPath()
                return SessionEntry(id: id, seat: seat, path: path)
            }
        }
    }

    /// All properties of the session at `path` (Remote, Type, Class, ...).
    public static func sessionProperties(_ session: BusSession, path: String) throws(BusError) -> BusProperties {
        try session.properties(destination: destination, path: path, interface: sessionInterface)
    }
}
