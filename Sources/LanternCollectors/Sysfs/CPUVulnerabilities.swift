import LanternSupport

/// One file of `devices/system/cpu/vulnerabilities`.
public struct CPUVulnerability: Sendable, Hashable {
    public var codename: String
    /// `not affected`, `vulnerable`, `mitigation` or `unknown`, as node_exporter labels them.
    public var state: String
    public var mitigation: String
}

public enum SysfsCPUVulnerabilities {
    public static func read(directory: String) throws(KernelFileError) -> [CPUVulnerability] {
        var result: [CPUVulnerability] = []
        for name in (try KernelFile.entriesIfPresent(of: directory)) ?? [] {
            let path = directory + "/" + name
            let text = try KernelFile.read(path)
            result.append(try KernelFile.parse(text, from: path) { (text) throws(KernelParseError) in
                try parse(codename: name, text)
            })
        }
        return result
    }

    /// `Not affected`, `Vulnerable[: detail]`, `Mitigation: detail` or `Unknown: detail`.
    public static func parse(codename: String, _ text: String) throws(KernelParseError) -> CPUVulnerability {
        let value = trimmed(text[...])
        if value == "Not affected" {
            return CPUVulnerability(codename: codename, state: "not affected", mitigation: "")
        }
        for (prefix, state) in [("Vulnerable", "vulnerable"), ("Mitigation", "mitigation"), ("Unknown", "unknown")]
        where value.hasPrefix(prefix) {
            var detail = value.dropFirst(prefix.count)
            if detail.hasPrefix(": ") { detail = detail.dropFirst(2) }
            return CPUVulnerability(codename: codename, state: state, mitigation: String(detail))
        }
        throw KernelParseError("unknown vulnerability state for \(codename): \(value)")
    }
}
