import LanternSupport

/// One controller of /sys/class/nvme, with its namespaces.
public struct NVMeDevice: Sendable, Equatable {
    public struct Namespace: Sendable, Equatable {
        /// The number after the last `n` of the directory name (`nvme0n1` → `1`).
        public var id: String
        /// Asymmetric namespace access state; `unknown` when the kernel has none.
        public var anaState: String
        /// `size` and `nuse` are in logical blocks.
        public var sizeBlocks: UInt64
        public var usedBlocks: UInt64
        public var logicalBlockSize: UInt64
    }

    public var name: String
    public var firmwareRevision: String
    public var model: String
    public var serial: String
    public var state: String
    public var controllerID: String
    public var namespaces: [Namespace]

    /// Every controller below `<sysfs>/class/nvme`; every identity attribute must be readable.
    public static func readAll(classDirectory: String) throws(KernelFileError) -> [NVMeDevice] {
        var devices: [NVMeDevice] = []
        for name in try KernelFile.entries(of: classDirectory) {
            let path = classDirectory + "/" + name
            var namespaces: [Namespace] = []
            for entry in try KernelFile.entries(of: path) {
                if let id = namespaceID(entry), let namespace = readNamespace(path + "/" + entry, id: id) { namespaces.append(namespace) }
            }
            devices.append(NVMeDevice(
                name: name, firmwareRevision: try KernelFile.attribute(path + "/firmware_rev"), model: try KernelFile.attribute(path + "/model"),
                serial: try KernelFile.attribute(path + "/serial"), state: try KernelFile.attribute(path + "/state"),
                controllerID: try KernelFile.attribute(path + "/cntlid"), namespaces: namespaces))
        }
        return devices
    }

    /// The namespace number of a `nvme<ctrl>[c<path>]n<ns>` entry, nil for other entries.
    static func namespaceID(_ entry: String) -> String? {
        guard entry.hasPrefix("nvme"), let last = entry.lastIndex(of: "n"), last > entry.index(entry.startIndex, offsetBy: 3) else { return nil }
        let id = entry[entry.index(after: last)...]
        let controller = entry[entry.index(entry.startIndex, offsetBy: 4)..<last]
        let allDigits = { (text: Substring) in !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber } }
        let controllerParts = controller.split(separator: "c", omittingEmptySubsequences: false)
        guard allDigits(id), (1...2).contains(controllerParts.count), controllerParts.allSatisfy(allDigits) else { return nil }
        return String(id)
    }

    /// A namespace whose size attributes cannot be read is left out.
    private static func readNamespace(_ path: String, id: String) -> Namespace? {
        guard let size = try? KernelFile.readUInt(path + "/size"), let used = try? KernelFile.readUInt(path + "/nuse"),
              let blockSize = try? KernelFile.readUInt(path + "/queue/logical_block_size") else { return nil }
        let anaState = (try? KernelFile.attribute(path + "/ana_state")) ?? "unknown"
        return Namespace(id: id, anaState: anaState, sizeBlocks: size, usedBlocks: used, logicalBlockSize: blockSize)
    }
}
