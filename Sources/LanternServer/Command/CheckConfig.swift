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
                print(" SUCCESS: \(file) is valid prometheus config file syntax")
                if !config.ruleFiles.isEmpty { print("  (\(config.ruleFiles.count) rule file patterns accepted; rules are not evaluated yet)") }
            } catch {
                print("  FAILED: \(error)")
                failed = true
            }
            print("")
        }
        return failed ? 1 : 0
    }
}
