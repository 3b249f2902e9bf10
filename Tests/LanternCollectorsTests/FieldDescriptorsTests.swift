@testable import LanternCollectors
import LanternMetrics
import Testing

/// The per-kernel descriptor cache of netstat and vmstat: built once for a list of field
/// names, rebuilt when the names change, a repeated name exposed at its last position.
@Suite struct FieldDescriptorsTests {
    func descriptor(_ name: Substring) -> MetricDescriptor {
        MetricDescriptor(name: "test_" + name, help: "", type: .untyped)
    }

    @Test func builtOncePerListOfNames() {
        let cache = FieldDescriptors()
        var made: [String] = []
        let make = { (name: Substring) -> MetricDescriptor? in
            made.append(String(name))
            return name == "skip" ? nil : descriptor(name)
        }
        let first = cache.descriptors(list: "Tcp", names: ["a", "skip", "b"], make: make)
        #expect(first.map { $0?.name } == ["test_a", nil, "test_b"])
        #expect(cache.descriptors(list: "Tcp", names: ["a", "skip", "b"], make: make).map { $0?.name } == ["test_a", nil, "test_b"])
        #expect(made == ["a", "skip", "b"])
        // Another list has its own entry; new names for a list rebuild it.
        _ = cache.descriptors(list: "Udp", names: ["a"], make: make)
        #expect(cache.descriptors(list: "Tcp", names: ["a", "c"], make: make).map { $0?.name } == ["test_a", "test_c"])
        #expect(made == ["a", "skip", "b", "a", "a", "c"])
    }

    @Test func repeatedNameIsExposedAtItsLastPosition() {
        let cache = FieldDescriptors()
        let exposed = cache.descriptors(list: "Ip6", names: ["x", "y", "x"]) { descriptor($0) }
        #expect(exposed.map { $0?.name } == [nil, "test_y", "test_x"])
    }
}
