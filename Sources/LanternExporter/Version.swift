/// Build identification for `--version`, the landing page and `lantern_exporter_build_info`.
public enum LanternVersion {
    public static let version = "0.1.0"
    /// The git revision, written by the packaging script; "unknown" for plain `swift build`.
    public static let revision = "unknown"

    public static var swiftVersion: String {
        #if compiler(>=6.4)
        return "6.4+"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }

    /// The `--version` text, shaped like Prometheus' `version.Print`.
    public static func printable(program: String) -> String {
        """
        \(program), version \(version) (revision: \(revision))
          swift version:    \(swiftVersion)
          platform:         linux/\(architecture)
        """
    }

    static var architecture: String {
        #if arch(x86_64)
        return "amd64"
        #elseif arch(arm64)
        return "arm64"
        #else
        return "unknown"
        #endif
    }
}
