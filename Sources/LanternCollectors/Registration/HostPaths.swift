/// Where the host's kernel interfaces are mounted (`--path.procfs`, `--path.sysfs`,
/// `--path.rootfs`, `--path.udev.data`). Passed to collectors as a value.
public struct HostPaths: Sendable, Hashable {
    public var procfs: String
    public var sysfs: String
    public var rootfs: String
    public var udevData: String

    public init(procfs: String = "/proc", sysfs: String = "/sys", rootfs: String = "/", udevData: String = "/run/udev/data") {
        self.procfs = procfs
        self.sysfs = sysfs
        self.rootfs = rootfs
        self.udevData = udevData
    }

    /// A path below procfs, such as `proc("stat")` or `proc("net/dev")`.
    public func proc(_ relative: String) -> String { join(procfs, relative) }
    /// A path below sysfs, such as `sys("class/net")`.
    public func sys(_ relative: String) -> String { join(sysfs, relative) }
    /// A host path seen through rootfs, such as `root("etc/os-release")`.
    public func root(_ relative: String) -> String { join(rootfs, relative) }

    private func join(_ base: String, _ relative: String) -> String {
        if base.hasSuffix("/") { return base + relative }
        return base + "/" + relative
    }
}
