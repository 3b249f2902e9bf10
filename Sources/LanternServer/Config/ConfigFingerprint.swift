import Yams

/// A canonical text of a job's YAML: equal fingerprints mean an unchanged job across reloads.
enum ConfigFingerprint {
    static func of(_ node: Node) -> String { (try? Yams.serialize(node: node)) ?? "" }
}
