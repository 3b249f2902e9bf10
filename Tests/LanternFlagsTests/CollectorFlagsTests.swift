import Testing
@testable import LanternFlags

@Suite struct Collectors {
    static let collectors = CollectorFlags([
        .init("cpu", enabledByDefault: true),
        .init("meminfo", enabledByDefault: true),
        .init("systemd", enabledByDefault: false),
    ])

    static func enabled(_ arguments: [String]) throws -> [String] {
        var flags = FlagSet(programName: "node_exporter")
        flags.add(contentsOf: collectors.flags)
        guard case .run(let parsed) = try flags.parse(arguments) else { return ["<no run>"] }
        return collectors.enabledCollectorNames(parsed)
    }

    @Test(arguments: [
        ([], ["cpu", "meminfo"]),
        (["--collector.systemd"], ["cpu", "meminfo", "systemd"]),
        (["--no-collector.cpu"], ["meminfo"]),
        (["--collector.cpu=false"], ["meminfo"]),
        (["--collector.disable-defaults"], []),
        (["--collector.disable-defaults", "--collector.cpu"], ["cpu"]),
        (["--collector.disable-defaults", "--collector.systemd"], ["systemd"]),
        (["--collector.disable-defaults", "--no-collector.cpu"], []),
        (["--collector.disable-defaults", "--collector.cpu=true", "--collector.systemd"], ["cpu", "systemd"]),
        (["--no-collector.disable-defaults", "--no-collector.meminfo"], ["cpu"]),
    ])
    func enablement(arguments: [String], expected: [String]) throws {
        #expect(try Self.enabled(arguments) == expected)
    }

    @Test func flagDeclarations() {
        let flags = Self.collectors.flags
        #expect(flags.map(\.name) == ["collector.cpu", "collector.meminfo", "collector.systemd", "collector.disable-defaults"])
        #expect(flags[0].help == "Enable the cpu collector (default: enabled).")
        #expect(flags[2].help == "Enable the systemd collector (default: disabled).")
        #expect(flags[2].defaultValue == "false")
        #expect(flags[3].help == "Set all collectors to disabled by default.")
    }

    @Test func repeatedCollectorFlagIsAnError() {
        #expect(throws: FlagError("flag 'collector.cpu' cannot be repeated")) {
            try Self.enabled(["--collector.cpu", "--no-collector.cpu"])
        }
    }
}
