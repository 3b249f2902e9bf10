/// Where each family of a merge came from, in merged (name) order. Collectors report the
/// same families on every scrape of a running host, so the next merge only checks that
/// each list has the same names, one comparison each (mostly of the same string
/// storage), instead of hashing every name and sorting ~500 of them again. Collectors
/// that emit families from a dictionary report them in another order each time: such a
/// list is matched by name (hashing only its own few names).
struct FamilyOrder: Sendable {
    struct Source: Sendable {
        let list: Int
        let family: Int
    }

    /// The family names of each list this order was made for.
    private let names: [[String]]
    /// For each merged position, the family that goes there.
    private let sources: [Source]

    /// For lists whose families all have different names, arranged as `sources` says.
    init(_ lists: [[MetricFamily]], sources: [Source]) {
        names = lists.map { $0.map(\.name) }
        self.sources = sources
    }

    /// The families of `lists` in merged order, or nil when the lists do not bring
    /// exactly the names this order was made for.
    func arrange(_ lists: [[MetricFamily]]) -> [MetricFamily]? {
        guard lists.count == names.count else { return nil }
        // For a list whose order changed: the position in it of each remembered name.
        var positions = [[Int]?](repeating: nil, count: lists.count)
        for (index, list) in lists.enumerated() {
            let known = names[index]
            guard list.count == known.count else { return nil }
            var inOrder = true
            for (family, name) in zip(list, known) where family.name != name {
                inOrder = false
                break
            }
            if inOrder { continue }
            var byName: [String: Int] = [:]
            for (position, family) in list.enumerated() { byName[family.name] = position }
            guard byName.count == list.count else { return nil }
            var moved: [Int] = []
            moved.reserveCapacity(known.count)
            for name in known {
                guard let position = byName[name] else { return nil }
                moved.append(position)
            }
            positions[index] = moved
        }
        return sources.map { source in
            let position = positions[source.list]?[source.family] ?? source.family
            return lists[source.list][position]
        }
    }
}
