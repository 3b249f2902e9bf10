import Glibc

/// A SIOCETHTOOL request failed; `errno` is the kernel's answer when there is one
/// (EOPNOTSUPP: the driver does not implement the command).
struct EthtoolError: Error, CustomStringConvertible, Equatable {
    let description: String
    let errno: Int32?

    init(_ description: String, errno: Int32? = nil) {
        self.description = description
        self.errno = errno
    }
}

/// `struct ethtool_drvinfo` (ETHTOOL_GDRVINFO): the strings node_ethtool_info carries.
struct EthtoolDriverInfo: Equatable {
    var driver = ""
    var version = ""
    var firmwareVersion = ""
    var expansionROMVersion = ""
    var busInfo = ""
    /// How many statistics ETHTOOL_GSTATS returns.
    var statisticsCount: UInt32 = 0

    static let size = 196

    /// The fixed-size fields of the kernel's answer; nil when the buffer is short.
    init?(buffer: [UInt8]) {
        guard buffer.count >= Self.size, let count = buffer[...].nativeUInt32(at: 180) else { return nil }
        func text(_ offset: Int) -> String { Ethtool.cString(buffer[offset..<(offset + 32)]) }
        driver = text(4)
        version = text(36)
        firmwareVersion = text(68)
        busInfo = text(100)
        expansionROMVersion = text(132)
        statisticsCount = count
    }

    init() {}
}

/// `struct ethtool_cmd` (legacy ETHTOOL_GSET, what safchain/ethtool's CmdGet reads):
/// link-mode bitmaps in the kernel's ETHTOOL_LINK_MODE_* bit order, and autoneg.
struct EthtoolLinkSettings: Equatable {
    var supported: UInt32 = 0
    var advertising: UInt32 = 0
    var autonegotiation: UInt8 = 0

    static let size = 44

    init?(buffer: [UInt8]) {
        guard buffer.count >= Self.size, let supported = buffer[...].nativeUInt32(at: 4),
              let advertising = buffer[...].nativeUInt32(at: 8) else { return nil }
        self.supported = supported
        self.advertising = advertising
        autonegotiation = buffer[18]
    }

    init(supported: UInt32, advertising: UInt32, autonegotiation: UInt8) {
        self.supported = supported
        self.advertising = advertising
        self.autonegotiation = autonegotiation
    }
}

/// What the ethtool collector asks of a device; the live implementation is `Ethtool`,
/// tests substitute node_exporter's text fixtures.
protocol EthtoolSource: Sendable {
    func driverInfo(_ device: String) throws(EthtoolError) -> EthtoolDriverInfo
    func statistics(_ device: String) throws(EthtoolError) -> [String: UInt64]
    func linkSettings(_ device: String) throws(EthtoolError) -> EthtoolLinkSettings
}

/// The SIOCETHTOOL ioctl on an AF_INET datagram socket, as safchain/ethtool issues it.
struct Ethtool: EthtoolSource {
    static let request: UInt = 0x8946
    static let commandGetSettings: UInt32 = 0x01
    static let commandGetDriverInfo: UInt32 = 0x03
    static let commandGetStrings: UInt32 = 0x1b
    static let commandGetStatistics: UInt32 = 0x1d
    static let statisticsStringSet: UInt32 = 1
    static let stringLength = 32
    /// safchain/ethtool's ceiling on the number of statistics it reads.
    static let maximumStatistics: UInt32 = 32768

    func driverInfo(_ device: String) throws(EthtoolError) -> EthtoolDriverInfo {
        var buffer = Self.command(Self.commandGetDriverInfo, size: EthtoolDriverInfo.size)
        try Self.ioctl(device, &buffer)
        guard let info = EthtoolDriverInfo(buffer: buffer) else { throw EthtoolError("short ethtool driver info") }
        return info
    }

    func linkSettings(_ device: String) throws(EthtoolError) -> EthtoolLinkSettings {
        var buffer = Self.command(Self.commandGetSettings, size: EthtoolLinkSettings.size)
        try Self.ioctl(device, &buffer)
        guard let settings = EthtoolLinkSettings(buffer: buffer) else { throw EthtoolError("short ethtool link settings") }
        return settings
    }

    /// The driver's statistics by name: their count from GDRVINFO, names from
    /// GSTRINGS(ETH_SS_STATS), values from GSTATS.
    func statistics(_ device: String) throws(EthtoolError) -> [String: UInt64] {
        let count = try driverInfo(device).statisticsCount
        guard count <= Self.maximumStatistics else {
            throw EthtoolError("ethtool currently doesn't support more than \(Self.maximumStatistics) entries, received \(count)")
        }
        // struct ethtool_gstrings: cmd, string_set, len, then the names.
        var names = Self.command(Self.commandGetStrings, size: 12 + Int(count) * Self.stringLength)
        names.replaceSubrange(4..<12, with: Self.native(Self.statisticsStringSet) + Self.native(count))
        try Self.ioctl(device, &names)
        // struct ethtool_stats: cmd, n_stats, then the 64-bit values.
        var values = Self.command(Self.commandGetStatistics, size: 8 + Int(count) * 8)
        values.replaceSubrange(4..<8, with: Self.native(count))
        try Self.ioctl(device, &values)
        return Self.statistics(names: names, values: values)
    }

    /// Pairs the names of a GSTRINGS answer with the values of a GSTATS answer, each
    /// bounded by the count the kernel wrote back; a later duplicate name wins.
    static func statistics(names: [UInt8], values: [UInt8]) -> [String: UInt64] {
        let nameCount = names[...].nativeUInt32(at: 8).map(Int.init) ?? 0
        let valueCount = values[...].nativeUInt32(at: 4).map(Int.init) ?? 0
        var result: [String: UInt64] = [:]
        for index in 0..<min(nameCount, valueCount) {
            let start = 12 + index * stringLength
            guard start + stringLength <= names.count, let value = values[...].nativeUInt64(at: 8 + index * 8) else { break }
            result[trimmedNUL(names[start..<(start + stringLength)])] = value
        }
        return result
    }

    /// Go's `bytes.Trim(name, "\x00")`: NULs stripped at both ends only.
    static func trimmedNUL(_ bytes: ArraySlice<UInt8>) -> String {
        let start = bytes.firstIndex { $0 != 0 } ?? bytes.endIndex
        let end = bytes.lastIndex { $0 != 0 }.map { $0 + 1 } ?? start
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// A C string in a fixed-size field, as Go's safchain/ethtool reads it up to the first NUL.
    static func cString(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    private static func command(_ command: UInt32, size: Int) -> [UInt8] {
        native(command) + [UInt8](repeating: 0, count: size - 4)
    }

    private static func native(_ value: UInt32) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }

    /// One SIOCETHTOOL call with `buffer` as ifr_data; the kernel writes its answer into it.
    private static func ioctl(_ device: String, _ buffer: inout [UInt8]) throws(EthtoolError) {
        let name = Array(device.utf8)
        guard name.count < Int(IFNAMSIZ) else { throw EthtoolError("interface name \(device) is too long") }
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw systemCallError("socket") }
        defer { close(descriptor) }
        let result = buffer.withUnsafeMutableBytes { data -> Int32 in
            var interfaceRequest = ifreq()
            withUnsafeMutableBytes(of: &interfaceRequest.ifr_ifrn.ifrn_name) { field in
                field.copyBytes(from: name)
            }
            interfaceRequest.ifr_ifru.ifru_data = data.baseAddress?.assumingMemoryBound(to: CChar.self)
            return withUnsafeMutablePointer(to: &interfaceRequest) { Glibc.ioctl(descriptor, request, UnsafeMutableRawPointer($0)) }
        }
        guard result == 0 else { throw systemCallError("ioctl SIOCETHTOOL") }
    }

    private static func systemCallError(_ call: String) -> EthtoolError {
        let code = Glibc.errno
        let message = strerror(code).map { String(cString: $0) } ?? "errno \(code)"
        return EthtoolError("\(call): \(message)", errno: code)
    }
}
