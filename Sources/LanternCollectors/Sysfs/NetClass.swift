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
        return try? parseGoInt64(text[...], field: attribute)
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
