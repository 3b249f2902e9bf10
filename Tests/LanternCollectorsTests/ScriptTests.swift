import Foundation
@testable import LanternCollectors
import LanternMetrics
import Testing

/// The collectors/ drop-in scripts, run through lantern-textfile-run against tool output
/// recorded in collectors/testdata/, their files checked with Lantern's parser, with
/// `promtool check metrics`, and served by the textfile collector.
@Suite struct ScriptTests {
    /// collectors/ of the repository this file belongs to (the test folder may be a symlink).
    static let collectors: URL = {
        var directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("collectors/lantern-textfile-run").path) {
                return directory.appendingPathComponent("collectors")
            }
            directory.deleteLastPathComponent()
        }
        return directory
    }()

    struct ScriptRun {
        var status: Int32
        var stderr: String
        /// The published NAME.prom.
        var text: String
        var families: [MetricFamily]
        /// Names in the textfile directory after the run.
        var directoryEntries: [String]
        var textfileDirectory: String

        func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
            guard let family = families.first(where: { $0.name == name }) else { return nil }
            for metric in family.metrics where Dictionary(uniqueKeysWithValues: metric.labels.map { ($0.name, $0.value) }) == labels {
                if case .scalar(let value) = metric.value { return value }
            }
            return nil
        }
    }

    /// Runs `lantern-textfile-run name command...` with the replay directory and host
    /// root under collectors/testdata/, into a fresh textfile directory.
    static func run(_ name: String, _ command: [String], replay: String? = nil, root: String? = nil,
                    environment extra: [String: String] = [:]) throws -> ScriptRun {
        let textfileDirectory = try DropInDirectory()
        var environment = ProcessInfo.processInfo.environment
        environment["LANTERN_TEXTFILE_DIR"] = textfileDirectory.path
        let testdata = collectors.appendingPathComponent("testdata")
        if let replay { environment["LANTERN_COLLECTORS_REPLAY_DIR"] = testdata.appendingPathComponent(replay).path }
        if let root { environment["LANTERN_COLLECTORS_ROOT"] = testdata.appendingPathComponent(root).path }
        environment.merge(extra) { $1 }

        let runner = collectors.appendingPathComponent("lantern-textfile-run")
        let arguments = [name] + command.map { $0.hasPrefix("/") ? $0 : collectors.appendingPathComponent($0).path }
        let (status, _, stderr) = try execute(runner.path, arguments, environment: environment)
        let text = try String(contentsOfFile: textfileDirectory.file(name + ".prom"), encoding: .utf8)
        let families = try ExpositionParser.metricFamilies(in: Array(text.utf8), format: .prometheusText)
        let entries = try FileManager.default.contentsOfDirectory(atPath: textfileDirectory.path).sorted()
        return ScriptRun(status: status, stderr: stderr, text: text, families: families, directoryEntries: entries,
                         textfileDirectory: textfileDirectory.path)
    }

    static func execute(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                        input: String? = nil) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let output = Pipe(), errors = Pipe(), stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// A run that succeeded: exit 0, NAME.prom alone in the directory with success 1, and
    /// promtool accepts it.
    static func published(_ name: String, _ command: [String], replay: String? = nil, root: String? = nil,
                          environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> ScriptRun {
        let run = try run(name, command, replay: replay, root: root, environment: environment)
        #expect(run.status == 0, "\(run.stderr)", sourceLocation: sourceLocation)
        expectPublishedAlone(run, name, sourceLocation: sourceLocation)
        try expectPromtoolAccepts(run, sourceLocation: sourceLocation)
        return run
    }

    /// promtool from Debian's prometheus package: exit 0 means it parsed and found no lint problems.
    static func expectPromtoolAccepts(_ run: ScriptRun, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (status, stdout, stderr) = try execute("/usr/bin/promtool", ["check", "metrics"], input: run.text)
        #expect(status == 0, "promtool: \(stdout)\(stderr)", sourceLocation: sourceLocation)
    }

    /// The published file is all there is (the temporary file was renamed, not left).
    static func expectPublishedAlone(_ run: ScriptRun, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.directoryEntries == [name + ".prom"], sourceLocation: sourceLocation)
        #expect(run.value("lantern_textfile_script_success", ["script": name]) == (run.status == 0 ? 1 : 0), sourceLocation: sourceLocation)
    }

    @Test func aptAgainstRecordedDebianOutput() throws {
        // Recorded on this Debian 12 host: 123 pending upgrades, nothing held or removable.
        let run = try Self.published("apt", ["apt_status.py"], replay: "apt", root: "apt")
        let upgrades = try #require(run.families.first { $0.name == "lantern_apt_upgrades_pending" })
        let total = upgrades.metrics.reduce(0.0) { sum, metric in
            if case .scalar(let value) = metric.value { return sum + value }
            return sum
        }
        #expect(total == 123)
        #expect(run.value("lantern_apt_upgrades_pending", ["origin": "Debian-Security:12/oldstable-security", "arch": "amd64"]) == 51)
        #expect(run.value("lantern_apt_security_upgrades_pending") == 80)
        #expect(run.value("lantern_apt_held_packages") == 0)
        #expect(run.value("lantern_apt_autoremove_pending") == 0)
        #expect(run.value("lantern_reboot_required") == 0)
    }

    @Test func aptWithHoldsRemovalsAndAPendingReboot() throws {
        let run = try Self.published("apt", ["apt_status.py"], replay: "apt-held", root: "apt-held/root")
        #expect(run.value("lantern_apt_upgrades_pending", ["origin": "", "arch": ""]) == 0)
        #expect(run.value("lantern_apt_held_packages") == 2)
        #expect(run.value("lantern_apt_autoremove_pending") == 2)
        #expect(run.value("lantern_reboot_required") == 1)
    }

    @Test func deletedLibrariesPerUnit() throws {
        let run = try Self.published("deleted-libraries", ["deleted_libraries.py"], root: "deleted-libraries/root")
        #expect(run.value("lantern_deleted_libraries_processes", ["unit": "nginx.service"]) == 2)
        #expect(run.value("lantern_deleted_libraries_processes", ["unit": "ssh.service"]) == 1)  // a deleted libc, not the memfd
        #expect(run.value("lantern_deleted_libraries_processes", ["unit": "session-3.scope"]) == 1)
        #expect(run.value("lantern_deleted_libraries_processes", ["unit": "init.scope"]) == nil)
        #expect(run.value("lantern_deleted_libraries_services_need_restart") == 2)
    }

    @Test func smartmonAgainstRecordedSmartctlJSON() throws {
        let run = try Self.published("smartmon", ["smartmon.py"], replay: "smartctl")
        #expect(run.value("lantern_smart_devices") == 3)
        #expect(run.value("lantern_smart_health_passed", ["device": "/dev/sda"]) == 1)
        #expect(run.value("lantern_smart_health_passed", ["device": "/dev/sdb"]) == 0)
        #expect(run.value("lantern_smart_smartctl_exit_status", ["device": "/dev/sdb"]) == 72)
        #expect(run.value("lantern_smart_attribute_failing", ["device": "/dev/sdb", "id": "5", "name": "Reallocated_Sector_Ct"]) == 1)
        #expect(run.value("lantern_smart_attribute_raw_value", ["device": "/dev/sdb", "id": "5", "name": "Reallocated_Sector_Ct"]) == 3874)
        #expect(run.value("lantern_smart_temperature_celsius", ["device": "/dev/nvme0"]) == 38)
        #expect(run.value("lantern_smart_power_on_seconds", ["device": "/dev/sda"]) == 43_322_400)  // 12 034 hours
    }

    /// Both recorded from this host's smartctl 7.3: a scan that finds nothing, and a
    /// virtio disk smartctl cannot identify (exit status 1).
    @Test func smartmonWithNoDevicesAndAnUnreadableOne() throws {
        let none = try Self.published("smartmon", ["smartmon.py"], replay: "smartctl-none")
        #expect(none.value("lantern_smart_devices") == 0)

        let unreadable = try Self.published("smartmon", ["smartmon.py"], replay: "smartctl-unreadable", environment: ["LANTERN_SMART_DEVICES": "/dev/vda"])
        #expect(unreadable.value("lantern_smart_smartctl_exit_status", ["device": "/dev/vda"]) == 1)
        #expect(!unreadable.families.contains { $0.name == "lantern_smart_device_info" })
    }

    @Test func nvmeAgainstRecordedNvmeCLIJSON() throws {
        let run = try Self.published("nvme", ["nvme_health.py"], replay: "nvme", root: "nvme/root")
        #expect(run.value("lantern_nvme_devices") == 1)
        #expect(run.value("lantern_nvme_temperature_celsius", ["device": "/dev/nvme0"]) == 38)
        #expect(run.value("lantern_nvme_percentage_used_ratio", ["device": "/dev/nvme0"]) == 0.02)
        #expect(run.value("lantern_nvme_written_bytes_total", ["device": "/dev/nvme0"]) == 21_104_827_904_000)  // 41 220 367 units of 512 000 bytes
        #expect(run.value("lantern_nvme_unsafe_shutdowns_total", ["device": "/dev/nvme0"]) == 17)
        let info = try #require(run.families.first { $0.name == "lantern_nvme_device_info" })
        #expect(info.metrics.first?.labels.contains(Label("serial", "S5GXNF0R123456K")) == true)
    }

    @Test func nvmeOnAHostWithoutNVMe() throws {
        let run = try Self.published("nvme", ["nvme_health.py"], root: "nvme-none/root")
        #expect(run.value("lantern_nvme_devices") == 0)
    }

    @Test func directorySizesOfConfiguredDirectories() throws {
        let measured = try DropInDirectory()
        try measured.write("data.bin", bytes: [UInt8](repeating: 7, count: 200_000))
        let missing = measured.path + "/missing"
        let run = try Self.published("directory-sizes", ["directory_sizes.sh"], environment: ["LANTERN_DIRECTORY_SIZES": "\(measured.path) \(missing)"])
        let size = try #require(run.value("lantern_directory_size_bytes", ["path": measured.path]))
        #expect(size >= 200_000)
        #expect(run.value("lantern_directory_size_error", ["path": measured.path]) == 0)
        #expect(run.value("lantern_directory_size_error", ["path": missing]) == 1)
        #expect(run.value("lantern_directory_size_bytes", ["path": missing]) == nil)
    }

    /// A failing script leaves only lantern_textfile_script_success 0: no stale values.
    @Test func failingScriptPublishesSuccessZeroOnly() throws {
        let run = try Self.run("apt", ["apt_status.py"], replay: "no-such-recording")
        #expect(run.status != 0)
        #expect(run.stderr.contains("no recording"))
        Self.expectPublishedAlone(run, "apt")
        try Self.expectPromtoolAccepts(run)
        #expect(run.families.map(\.name) == ["lantern_textfile_script_success"])
    }

    @Test func unparsableOutputIsNotPublished() throws {
        let run = try Self.run("broken", ["/bin/sh", "-c", "echo 'half_written{job=\"a'"])
        #expect(run.status != 0)
        #expect(run.families.map(\.name) == ["lantern_textfile_script_success"])
        #expect(run.value("lantern_textfile_script_success", ["script": "broken"]) == 0)
    }

    /// Every script's file in one directory, served by the textfile collector without error.
    @Test func allScriptOutputsServedTogether() throws {
        let apt = try Self.run("apt", ["apt_status.py"], replay: "apt", root: "apt")
        let smart = try Self.run("smartmon", ["smartmon.py"], replay: "smartctl")
        let nvme = try Self.run("nvme", ["nvme_health.py"], replay: "nvme", root: "nvme/root")
        let directory = try DropInDirectory()
        for (name, run) in [("apt", apt), ("smartmon", smart), ("nvme", nvme)] {
            try directory.write(name + ".prom", run.text)
        }
        let served = try TextfileRun([directory.path])
        #expect(served.scrapeError == 0)
        #expect(served.failedFiles.isEmpty)
        #expect(served.scalars("lantern_textfile_script_success").count == 3)
    }

    @Test func debianPackageHoldsScriptsUnitsAndConfiguration() throws {
        let output = try DropInDirectory()
        let (status, stdout, stderr) = try Self.execute(Self.collectors.appendingPathComponent("build-deb.sh").path, ["0.0.1", output.path])
        #expect(status == 0, "\(stderr)")
        let package = stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let (_, contents, _) = try Self.execute("/usr/bin/dpkg-deb", ["--contents", package])
        for path in ["./usr/lib/lantern-collectors/lantern-textfile-run", "./usr/lib/lantern-collectors/apt_status.py",
                     "./lib/systemd/system/lantern-collector-smartmon.timer", "./etc/default/lantern-collectors"] {
            #expect(contents.contains(path), "\(path) missing")
        }
        let (_, conffiles, _) = try Self.execute("/usr/bin/dpkg-deb", ["--info", package, "conffiles"])
        #expect(conffiles == "/etc/default/lantern-collectors\n")
        unlink(package)
    }
}
