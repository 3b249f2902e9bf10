import Glibc

/// Network device names by interface index, asked of the kernel one index at a time
/// (SIOCGIFNAME), as node_exporter's arp collector does with `net.InterfaceByIndex`.
/// An RTM_GETLINK dump renders every link's statistics to name a few devices: the
/// neighbour table usually names one or two.
enum InterfaceName {
    /// The device's name, or nil when no device has that index (it went away).
    static func ofIndex(_ index: Int32) -> String? {
        guard index > 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(IF_NAMESIZE))
        guard let name = if_indextoname(UInt32(index), &buffer) else { return nil }
        return String(cString: name)
    }
}
