/// `check rules FILE...`: promtool's output and exit code (1 when any file failed), the
/// problems on standard error, the summary on standard output.
public enum CheckRules {
    public static func run(_ files: [String], output: (String) -> Void = { print($0) }, errorOutput: (String) -> Void) -> Int32 {
        guard !files.isEmpty else {
            errorOutput("usage: lantern-server check rules <rule-files>...")
            return 1
        }
        var failed = false
        for file in files {
            output("Checking \(file)")
            do {
                let parsed = try RuleFileLoader.load(path: file)
                output("  SUCCESS: \(parsed.groups.reduce(0) { $0 + $1.rules.count }) rules found")
            } catch {
                errorOutput("  FAILED:")
                errorOutput("\(error)")
                failed = true
            }
            output("")
        }
        return failed ? 1 : 0
    }
}
