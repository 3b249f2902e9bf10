import Glibc
import LanternSupport

/// /sys/class/net/<iface>/*: the raw attribute values of one interface, whitespace-trimmed,
/// as procfs's `NetClass` reads them (it reads every regular file of the directory; only
/// the ones asked for are read here, which gives the same values for those).
struct NetClassInterface: Equatable {
    var name: String
    /// The values of the attributes asked for, in the order asked; nil for an attribute
    /// that is absent or unreadable.
    var values: [String?]

    /// The attribute at `position` parsed like Go's `strconv.ParseInt(s, 0, 64)` (so
    /// `0x1303` is hex); nil when absent or not a number, which node_exporter then does
    /// not expose.
    func integer(at position: Int) -> Int64? {
        guard let text = values[position] else { return nil }
        return try? goParseInt64(text[...])
    }
}

enum NetClass {
    /// Interface names in `class/net`: every entry but regular files (`bonding_masters`).
    static func interfaceNames(classDirectory: String) throws(KernelFileError) -> [String] {
        try KernelFile.entries(of: classDirectory).filter { KernelFile.isDirectory(classDirectory + "/" + $0) }
    }

    /// `interfaceNames` without a stat(2) per entry (4 µs each for sysfs's links): the
    /// entries whose type is a directory, a link (every interface in sysfs) or unknown.
    /// Whether a link leads to a directory is only learnt when `readIfInterface` opens it.
    static func interfaceCandidates(classDirectory: String) throws(KernelFileError) -> [String] {
        try KernelFile.typedEntries(of: classDirectory).compactMap { entry in
            switch Int(entry.type) {
            case DT_DIR, DT_LNK, DT_UNKNOWN: entry.name
            default: nil
            }
        }
    }

    /// The `attributes` of one interface. Files that cannot be read because the kernel
    /// refuses (EINVAL, EOPNOTSUPP, EACCES on a down link's speed, ...) or that vanished are
    /// left out, as procfs does; a vanished directory is an error whose `isNotFound` is true.
    /// nil when `interface` is not a directory (a candidate linking to a file), which
    /// `interfaceNames` would not have listed.
    static func readIfInterface(_ interface: String, classDirectory: String, attributes: [String]) throws(KernelFileError) -> NetClassInterface? {
        do {
            return NetClassInterface(
                name: interface, values: try KernelFile.readableAttributes(attributes, of: classDirectory + "/" + interface))
        } catch where error.errno == ENOTDIR {
            return nil
        } catch {
            // Spelled out: a typed catch that is not exhaustive crashes Swift 6.3's SIL passes.
            throw error
        }
    }
}
