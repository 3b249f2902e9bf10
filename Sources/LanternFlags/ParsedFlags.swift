/// The values of all declared flags after parsing: what was given, else the default.
/// Every value has been validated against its flag's kind during parsing, so the typed
/// accessors do not fail for declared flags.
public struct ParsedFlags: Sendable {
    /// Values by flag name, in command-line order (one element for non-repeatable flags).
    public let values: [String: [String]]
    /// Names of flags that appeared on the command line.
    public let explicitlySet: Set<String>

    public init(values: [String: [String]], explicitlySet: Set<String>) {
        self.values = values
        self.explicitlySet = explicitlySet
    }

    public func string(_ name: String) -> String { values[name]?.last ?? "" }
    public func strings(_ name: String) -> [String] { values[name] ?? [] }
    public func bool(_ name: String) -> Bool { values[name]?.last == "true" }
    public func int(_ name: String) -> Int { Int(string(name)) ?? 0 }
    /// Seconds.
    public func duration(_ name: String) -> Double { (try? parseDuration(string(name))) ?? 0 }
    public func isSet(_ name: String) -> Bool { explicitlySet.contains(name) }
}
