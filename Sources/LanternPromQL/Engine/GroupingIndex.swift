/// The groups of one aggregation's `by`/`without` clause over a whole query: each input
/// label set is mapped to its group once, not at every step (building and hashing the
/// group's label set per series and step was most of an aggregation's cost).
final class GroupingIndex {
    struct Clause: Hashable {
        let names: [String]
        let without: Bool
    }

    private let names: Set<String>
    private let namesWithoutMetricName: Set<String>
    private let without: Bool
    /// Group by selected series (`seriesID * 2`, `+ 1` when dropping the name): an array
    /// index instead of hashing. The labels are kept to check the element still has them.
    private var bySeries: [(labels: Labels, id: Int)?] = []
    /// Input labels -> group id for elements not straight from a selector, keeping and
    /// dropping their metric name.
    private var idByLabels: [Labels: Int] = [:]
    private var idByLabelsDroppingName: [Labels: Int] = [:]
    private var idByKey: [Labels: Int] = [:]
    /// The output labels of each group, by id.
    private(set) var keys: [Labels] = []

    init(_ clause: Clause) {
        without = clause.without
        names = Set(clause.names + (clause.without ? [Labels.metricName] : []))
        namesWithoutMetricName = names.subtracting([Labels.metricName])
    }

    /// The group of `element`: only the `by` labels, or all but the `without` labels and
    /// the metric name.
    func id(of element: VectorElement) -> Int {
        // `without` drops the name anyway, so whether the element drops it does not matter.
        let dropping = element.dropsName && !without
        if let series = element.seriesID {
            let slot = series * 2 + (dropping ? 1 : 0)
            if slot < bySeries.count, let known = bySeries[slot], known.labels == element.labels { return known.id }
            let id = groupID(key(of: element, dropping: dropping))
            if slot >= bySeries.count { bySeries += repeatElement(nil, count: max(slot + 1 - bySeries.count, bySeries.count)) }
            bySeries[slot] = (element.labels, id)
            return id
        }
        if let id = dropping ? idByLabelsDroppingName[element.labels] : idByLabels[element.labels] { return id }
        let id = groupID(key(of: element, dropping: dropping))
        if dropping { idByLabelsDroppingName[element.labels] = id } else { idByLabels[element.labels] = id }
        return id
    }

    private func key(of element: VectorElement, dropping: Bool) -> Labels {
        without ? element.labels.removing(names) : element.labels.keeping(dropping ? namesWithoutMetricName : names)
    }

    private func groupID(_ key: Labels) -> Int {
        if let existing = idByKey[key] { return existing }
        keys.append(key)
        idByKey[key] = keys.count - 1
        return keys.count - 1
    }

    /// `elements` split by group, groups in the order of their first element.
    func partition<Member>(_ elements: [VectorElement], _ member: (VectorElement) -> Member) -> [(key: Labels, members: [Member])] {
        var slotByID = [Int](repeating: -1, count: keys.count)
        var groups: [(key: Labels, members: [Member])] = []
        for element in elements {
            let id = self.id(of: element)
            if id >= slotByID.count { slotByID += repeatElement(-1, count: id - slotByID.count + 1) }
            if slotByID[id] < 0 {
                slotByID[id] = groups.count
                groups.append((keys[id], []))
            }
            groups[slotByID[id]].members.append(member(element))
        }
        return groups
    }
}
