import LanternSupport

/// Bonding masters and their slaves from /sys/class/net: per master, how many slaves
/// it has and how many of them report MII status `up`.
struct BondingMaster: Equatable {
    var name: String
    var slaves: Int
    var activeSlaves: Int
}

enum Bonding {
    /// nil when the bonding driver is not loaded (no `bonding_masters`). A master that
    /// vanished after being listed is left out.
    static func read(classDirectory: String) throws(KernelFileError) -> [BondingMaster]? {
        guard let masters = try KernelFile.optionalAttribute(classDirectory + "/bonding_masters") else { return nil }
        var result: [BondingMaster] = []
        for master in fields(masters[...]).map(String.init) {
            guard let slaves = try KernelFile.optionalAttribute("\(classDirectory)/\(master)/bonding/slaves") else { continue }
            var bond = BondingMaster(name: master, slaves: 0, activeSlaves: 0)
            for slave in fields(slaves[...]) {
                // Newer kernels link slaves as lower_<slave>, older ones as slave_<slave>.
                var status = try KernelFile.optionalAttribute("\(classDirectory)/\(master)/lower_\(slave)/bonding_slave/mii_status")
                if status == nil {
                    status = try KernelFile.attribute("\(classDirectory)/\(master)/slave_\(slave)/bonding_slave/mii_status")
                }
                if status == "up" { bond.activeSlaves += 1 }
                bond.slaves += 1
            }
            result.append(bond)
        }
        return result
    }
}
