/// `test rules FILE...`: promtool's `test rules` output and exit status (1 when any test
/// failed or a file could not be read), failures on standard error.
public enum TestRules {
    public static func run(_ files: [String], output: (String) -> Void = { print($0) }, errorOutput: (String) -> Void) -> Int32 {
        guard !files.isEmpty else {
            errorOutput("usage: lantern-server test rules <test-rule-files>...")
            return 1
        }
        var failed = false
        for file in files {
            output("Unit Testing:  \(file)")
            let failures = RuleTestRunner(path: file).run()
            if failures.isEmpty {
                output("  SUCCESS")
            } else {
                errorOutput("  FAILED:")
                for failure in failures {
                    errorOutput(failure)
                    output("")
                }
                failed = true
            }
            output("")
        }
        return failed ? 1 : 0
    }
}
