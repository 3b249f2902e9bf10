import LanternMetrics
import Synchronization

/// Descriptors for collectors whose metric names come from the field names of a kernel
/// file (netstat, vmstat, sockstat). The names are the same on every scrape of a running kernel, so
/// each list is filtered and turned into descriptors once and reused while the file
/// still lists the same names in the same order; building them per scrape (string
/// concatenation, a filter match and a descriptor per field) was most of those
/// collectors' cost.
final class FieldDescriptors: Sendable {
    private struct Layout {
        let names: [String]
        /// By position in `names`: the descriptor, or nil when the field is not exposed.
        let descriptors: [MetricDescriptor?]
    }

    /// By list (a protocol for netstat; one list for vmstat). Few entries, never cleared.
    private let layouts = Mutex<[String: Layout]>([:])

    /// The descriptors for `names` (nil for a field not exposed), from the cache when
    /// `list` last had exactly these names, otherwise made by `make` and remembered. A
    /// name listed twice is exposed at its last position only.
    func descriptors(
        list: String, names: [Substring], make: (Substring) -> MetricDescriptor?
    ) -> [MetricDescriptor?] {
        if let cached = layouts.withLock({ $0[list] }), cached.names.elementsEqual(names, by: { $0 == $1 }) {
            return cached.descriptors
        }
        var descriptors: [MetricDescriptor?] = []
        descriptors.reserveCapacity(names.count)
        for (index, name) in names.enumerated() {
            let repeatedLater = names[(index + 1)...].contains(name)
            descriptors.append(repeatedLater ? nil : make(name))
        }
        let layout = Layout(names: names.map(String.init), descriptors: descriptors)
        layouts.withLock { $0[list] = layout }
        return descriptors
    }
}
