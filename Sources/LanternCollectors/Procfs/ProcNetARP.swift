/// /proc/net/arp: one line per IPv4 neighbour, `IP HW-type Flags HW-address Mask Device`.
enum ProcNetARP {
    /// The device of every entry, in file order. A data line without exactly six
    /// columns is an error, as in procfs.
    static func devices(_ text: String) throws(KernelParseError) -> [String] {
        var devices: [String] = []
        for line in lines(text) {
            let columns = fields(line)
            guard let first = columns.first, first != "IP" else { continue }
            guard columns.count == 6 else {
                throw KernelParseError("invalid ARP entry \"\(line)\": \(columns.count) columns found, but expected 6")
            }
            devices.append(String(columns[5]))
        }
        return devices
    }
}
