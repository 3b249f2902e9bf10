import Glibc

/// Runs a shell command for a live test; its exit status and standard output.
func shell(_ command: String) -> (status: Int32, output: String) {
    guard let pipe = popen(command + " 2>/dev/null", "r") else { return (-1, "") }
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = fread(&buffer, 1, buffer.count, pipe)
        if count <= 0 { break }
        output += buffer.prefix(count)
    }
    let status = pclose(pipe)
    return (status == -1 ? -1 : (status >> 8) & 0xff, String(decoding: output, as: UTF8.self))
}

/// A veth pair made with iproute2 for a live test and deleted with it; nil (with the
/// reason) where `ip` is missing or the test may not create interfaces.
final class VethPair {
    let first: String
    let second: String

    private init(first: String, second: String) {
        self.first = first
        self.second = second
    }

    static func make(tag: String) -> (pair: VethPair?, reason: String) {
        guard shell("command -v ip").status == 0 else { return (nil, "iproute2's ip is not installed") }
        // Interface names have at most 15 bytes; the pid keeps parallel runs apart.
        let stem = "ln\(tag)\(getpid() % 100_000)"
        let pair = VethPair(first: stem + "a", second: stem + "b")
        let created = shell("ip link add \(pair.first) type veth peer name \(pair.second) && ip link set \(pair.first) up && ip link set \(pair.second) up")
        guard created.status == 0 else { return (nil, "cannot create a veth pair (needs CAP_NET_ADMIN)") }
        return (pair, "")
    }

    deinit { _ = shell("ip link del \(first)") }
}
