import Glibc
import LanternSupport

/// One device of `class/infiniband`.
public struct InfiniBandDevice: Sendable, Hashable {
    public var name: String
    public var boardID = ""
    public var firmwareVersion = ""
    public var hcaType = ""
    public var ports: [InfiniBandPort] = []
}

/// One port of an InfiniBand device.
public struct InfiniBandPort: Sendable, Hashable {
    public var number: UInt32
    public var stateID: UInt32
    public var physicalStateID: UInt32
    /// Bytes per second.
    public var rate: UInt64
    /// Counters the driver provides, keyed by `<directory>/<file>` such as
    /// `counters/port_rcv_data`; data counters are already in octets (×4).
    public var counters: [String: UInt64] = [:]
}

/// Reads `class/infiniband` as procfs's `InfiniBandClass` does.
public enum SysfsInfiniBand {
    /// The counter files procfs reads, per directory below `ports/<port>/`; others are ignored.
    public static let counterFiles: [String: [String]] = [
        "counters": [
            "excessive_buffer_overrun_errors", "link_downed", "link_error_recovery", "local_link_integrity_errors",
            "multicast_rcv_packets", "multicast_xmit_packets", "port_rcv_constraint_errors", "port_rcv_data",
            "port_rcv_discards", "port_rcv_errors", "port_rcv_packets", "port_rcv_remote_physical_errors",
            "port_rcv_switch_relay_errors", "port_xmit_constraint_errors", "port_xmit_data", "port_xmit_discards",
            "port_xmit_packets", "port_xmit_wait", "symbol_error", "unicast_rcv_packets", "unicast_xmit_packets", "VL15_dropped",
        ],
        // 64-bit counters of kernels before 4.5.
        "counters_ext": [
            "port_multicast_rcv_packets", "port_multicast_xmit_packets", "port_rcv_data_64", "port_rcv_packets_64",
            "port_unicast_rcv_packets", "port_unicast_xmit_packets", "port_xmit_data_64", "port_xmit_packets_64",
        ],
        "hw_counters": [
            "duplicate_request", "implied_nak_seq_err", "lifespan", "local_ack_timeout_err", "np_cnp_sent",
            "np_ecn_marked_roce_packets", "out_of_buffer", "out_of_sequence", "packet_seq_err", "req_cqe_error",
            "req_cqe_flush_error", "req_remote_access_errors", "req_remote_invalid_request", "resp_cqe_error",
            "resp_cqe_flush_error", "resp_local_length_error", "resp_remote_access_errors", "rnr_nak_retry_err",
            "roce_adp_retrans", "roce_adp_retrans_to", "roce_slow_restart", "roce_slow_restart_cnps",
            "roce_slow_restart_trans", "rp_cnp_handled", "rp_cnp_ignored", "rx_atomic_requests", "rx_dct_connect",
            "rx_icrc_encapsulated", "rx_read_requests", "rx_write_requests",
        ],
    ]
    /// Data counters count 4-octet words per lane; procfs multiplies them by 4.
    static let wordCounters: Set<String> = [
        "counters/port_rcv_data", "counters/port_xmit_data", "counters_ext/port_rcv_data_64", "counters_ext/port_xmit_data_64",
    ]

    /// Every device. A missing fw_ver, ports directory or port attribute is an error (with
    /// ENOENT, which the collector reads as "no InfiniBand"), as in procfs.
    public static func devices(classInfiniBand directory: String) throws(KernelFileError) -> [InfiniBandDevice] {
        var devices: [InfiniBandDevice] = []
        for name in try KernelFile.entries(of: directory) {
            let path = directory + "/" + name
            var device = InfiniBandDevice(name: name)
            device.firmwareVersion = try KernelFile.attribute(path + "/fw_ver")
            device.boardID = try KernelFile.optionalAttribute(path + "/board_id") ?? ""
            device.hcaType = try KernelFile.optionalAttribute(path + "/hca_type") ?? ""
            for port in try KernelFile.entries(of: path + "/ports") {
                device.ports.append(try self.port(port, of: name, at: path + "/ports/" + port))
            }
            devices.append(device)
        }
        return devices
    }

    static func port(_ port: String, of device: String, at path: String) throws(KernelFileError) -> InfiniBandPort {
        guard let number = UInt32(port), port.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw KernelFileError(path: path, reason: "invalid port number \"\(port)\"")
        }
        let state = try KernelFile.parse(path + "/state", with: Self.state)
        let physicalState = try KernelFile.parse(path + "/phys_state", with: Self.state)
        let rate = try KernelFile.parse(path + "/rate", with: Self.rate)
        var result = InfiniBandPort(number: number, stateID: state, physicalStateID: physicalState, rate: rate)
        // Intel irdma and nvs_ devices have no IB-spec counters; irdma and mlx5 have hw_counters.
        if !device.hasPrefix("irdma") && !device.hasPrefix("nvs_") {
            try readCounters(in: "counters", of: path, required: true, into: &result.counters)
            try readCounters(in: "counters_ext", of: path, required: false, into: &result.counters)
        }
        if device.hasPrefix("irdma") || device.hasPrefix("mlx5_") {
            try readCounters(in: "hw_counters", of: path, required: true, into: &result.counters)
        }
        return result
    }

    private static func readCounters(
        in directory: String, of portPath: String, required: Bool, into counters: inout [String: UInt64]
    ) throws(KernelFileError) {
        let path = portPath + "/" + directory
        let present: [String]
        if required {
            present = try KernelFile.entries(of: path)
        } else {
            guard let entries = try KernelFile.entriesIfPresent(of: path) else { return }
            present = entries
        }
        let known = Set(counterFiles[directory] ?? [])
        for file in present where known.contains(file) {
            let text: String
            do {
                text = try KernelFile.attribute(path + "/" + file)
            } catch {
                // Counters the driver refuses to report are skipped, as procfs does.
                if [ENOENT, EACCES, EPERM, EOPNOTSUPP, EINVAL].contains(error.errno ?? 0) { continue }
                throw error
            }
            let key = directory + "/" + file
            guard let value = try KernelFile.parse(text, from: path + "/" + file, with: Self.counter) else { continue }
            counters[key] = wordCounters.contains(key) ? value &* 4 : value
        }
    }

    /// `<id>: <name>` (state, phys_state): the id.
    public static func state(_ text: String) throws(KernelParseError) -> UInt32 {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw KernelParseError("failed to split \"\(text)\" into 'ID: NAME'") }
        guard let id = UInt32(trimmed(parts[0])), trimmed(parts[0]).first != "+" else {
            throw KernelParseError("failed to convert \"\(trimmed(parts[0]))\" into uint")
        }
        return id
    }

    /// `40 Gb/sec (4X QDR)` in bytes per second. The number is read as a 32-bit float and
    /// truncated after scaling, as procfs does.
    public static func rate(_ text: String) throws(KernelParseError) -> UInt64 {
        guard let space = text.firstIndex(of: " ") else { throw KernelParseError("failed to split \"\(text)\"") }
        let number = trimmed(text[...space])
        guard let gigabits = Float(number) else { throw KernelParseError("failed to convert \"\(number)\" into uint") }
        let bytes = Double(gigabits) * 125_000_000
        guard bytes.isFinite, bytes >= 0, bytes < 18_446_744_073_709_551_616 else {
            throw KernelParseError("rate \"\(number)\" Gb/sec is out of range")
        }
        return UInt64(bytes)
    }

    /// A decimal counter; nil for `N/A (no PMA)`, which some drivers print instead.
    public static func counter(_ text: String) throws(KernelParseError) -> UInt64? {
        if let value = UInt64(text), text.first != "+" { return value }
        if text.contains("N/A (no PMA)") { return nil }
        throw KernelParseError("invalid counter \"\(text)\": not an unsigned integer")
    }
}
