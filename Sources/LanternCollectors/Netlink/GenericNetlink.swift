/// Generic netlink (NETLINK_GENERIC): resolving a family name such as "nl80211" to the
/// message type the kernel assigned it, through the controller's CTRL_CMD_GETFAMILY dump.
enum GenericNetlink {
    static let controllerType: UInt16 = 16
    static let commandGetFamily: UInt8 = 3
    static let attributeFamilyID: UInt16 = 1
    static let attributeFamilyName: UInt16 = 2
    /// `struct genlmsghdr`: cmd, version, reserved.
    static let headerSize = 4

    /// The families the kernel has registered, by name.
    static func families() throws(NetlinkError) -> [String: UInt16] {
        let messages = try NetlinkSocket.dump(protocol: NetlinkSocket.generic, type: controllerType, body: [commandGetFamily, 1, 0, 0])
        var result: [String: UInt16] = [:]
        for message in messages {
            if let (name, id) = family(in: message) { result[name] = id }
        }
        return result
    }

    /// Name and id of one controller answer; nil when either attribute is missing or short.
    static func family(in message: NetlinkMessage) -> (String, UInt16)? {
        guard message.type == controllerType, message.payload.count >= headerSize else { return nil }
        var name: String?
        var id: UInt16?
        for attribute in NetlinkAttribute.all(in: message.payload.dropFirst(headerSize)) {
            switch attribute.type {
            case attributeFamilyName: name = attribute.string
            case attributeFamilyID: id = attribute.value.nativeUInt16(at: 0)
            default: break
            }
        }
        guard let name, let id else { return nil }
        return (name, id)
    }
}
