/// node_exporter's `deviceFilter`: a name is ignored when it matches the exclude
/// pattern or, with an include pattern, does not match it. Both are matched like Go's
/// `regexp.MatchString` (unanchored); an empty pattern is no pattern.
public struct DeviceFilter: Sendable {
    private let exclude: IncludeFilter?
    private let include: IncludeFilter?

    public init(exclude: String, include: String) throws(KernelParseError) {
        self.exclude = exclude.isEmpty ? nil : try IncludeFilter(pattern: exclude)
        self.include = include.isEmpty ? nil : try IncludeFilter(pattern: include)
    }

    public func ignores(_ name: String) -> Bool {
        if let exclude, exclude.matches(name) { return true }
        if let include, !include.matches(name) { return true }
        return false
    }
}
