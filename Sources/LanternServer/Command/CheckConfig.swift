import LanternLog
import LanternRules

/// `lantern-server check config FILE...`: `promtool check config`'s output and exit codes.
enum CheckConfig {
    static func run(_ files: [String]) -> Int32 {
        guard !files.isEmpty else {
            print("usage: lantern-server check config <config-files>...")
            return 1
        }
        var failed = false
        for file in files {
            print("Checking \(file)")
            do {
                let config = try ConfigLoader.load(path: file, explicitlySet: true)
                // promtool checks the rule files the configuration names, each as `check rules` does.
                let ruleFiles = RuleFileLoader.expand(config.ruleFiles, relativeTo: ConfigLoader.directory(of: file))
                if !config.ruleFiles.isEmpty { print("  SUCCESS: \(ruleFiles.count) rule files found") }
                print(" SUCCESS: \(file) is valid prometheus config file syntax")
                if !ruleFiles.isEmpty {
                    print("")
                    if CheckRules.run(ruleFiles, errorOutput: { writeToStandardError(Array(($0 + "\n").utf8)) }) != 0 { failed = true }
                    continue
                }
            } catch {
                print("  FAILED: \(error)")
                failed = true
            }
            print("")
        }
        return failed ? 1 : 0
    }
}
