import LanternSupport

/// /sys/class/net/<iface>/*: the raw attribute values of one interface, whitespace-trimmed,
/// as procfs's `NetClass` reads them (it reads every regular file of the directory; only
/// the ones asked for are read here, which gives the same values for those).
struct NetClassInterface: Equatable {
    var name: String
    var attributes: [String: String]

    /// An integer attribute parsed like Go's `strconv.ParseInt(s, 0, 64)` (so `0x1303`
    /// is hex); nil when absent or not a number, which node_exporter then does not expose.
    func integer(_ attribute: String) -> Int64? {
        guard let text = attributes[attribute] else { return nil }
        return Self.plainDecimal(text) ?? (try? parseGoInt64(text[...], field: attribute))
    }

    /// Sysfs writes most attributes as plain decimals, which Go's base-0 parse reads as
    /// written: those are read here byte by byte, anything else (`0x1003`, a leading 0,
    /// `_`, more than 18 digits) is nil and left to `parseGoInt64`.
    static func plainDecimal(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { bytes in
            let negative = bytes.first == UInt8(ascii: "-")
            var index = negative ? 1 : 0
            let digits = bytes.count - index
            guard digits > 0, digits <= 18, digits == 1 || bytes[index] != UInt8(ascii: "0") else { return nil }
            var value: Int64 = 0
            while index < bytes.count {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int64(digit)
                index += 1
            }
            return negative ? -value : value
        }
    }
}

enum NetClass {
    /// Interface names in `class/net`: every entry but regular files (`bonding_masters`).
    static func interfaceNames(classDirectory: String) throws(KernelFileError) -> [String] {
        try KernelFile.entries(of: classDirectory).filter { KernelFile.isDirectory(classDirectory + "/" + $0) }
    }

    /// The `attributes` of one interface. Files that cannot be read because the kernel
    /// refuses (EINVAL, EOPNOTSUPP, EACCES on a down link's speed, ...) or that vanished are
    /// left out, as procfs does; a vanished directory is an error whose `isNotFound` is true.
    static func read(interface: String, classDirectory: String, attributes: [String]) throws(KernelFileError) -> NetClassInterface {
        NetClassInterface(
            name: interface, attributes: try KernelFile.readableAttributes(attributes, of: classDirectory + "/" + interface))
    }
}
