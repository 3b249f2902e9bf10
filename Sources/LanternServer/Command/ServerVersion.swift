/// Build identification for `--version` and `/api/v1/status/buildinfo`.
enum ServerVersion {
    static let version = "0.1.0"
    /// The git revision, written by the packaging script; "unknown" for plain `swift build`.
    static let revision = "unknown"

    static var swiftVersion: String {
        #if compiler(>=6.3)
        return "6.3"
        #else
        return "6.x"
        #endif
    }

    static var printable: String {
        """
        lantern-server, version \(version) (revision: \(revision))
          swift version:    \(swiftVersion)
        """
    }
}
