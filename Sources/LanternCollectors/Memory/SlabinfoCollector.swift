import LanternFlags
import LanternMetrics
import LanternSupport

/// node_exporter's `slabinfo` collector: per-cache object counts of /proc/slabinfo,
/// for the caches `--collector.slabinfo.slabs-include/-exclude` select.
public struct SlabinfoCollector: Collector {
    public struct Options: Sendable {
        public var slabsInclude: String
        public var slabsExclude: String
        public init(slabsInclude: String = ".*", slabsExclude: String = "") {
            self.slabsInclude = slabsInclude
            self.slabsExclude = slabsExclude
        }
    }

    static let activeObjects = descriptor("active_objects", "The number of objects that are currently active (i.e., in use).")
    static let objects = descriptor(
        "objects", "The total number of allocated objects (i.e., objects that are both in use and not in use).")
    static let objectSize = descriptor("object_size_bytes", "The size of objects in this slab, in bytes.")
    static let objectsPerSlab = descriptor("objects_per_slab", "The number of objects stored in each slab.")
    static let pagesPerSlab = descriptor("pages_per_slab", "The number of pages allocated for each slab.")

    private static func descriptor(_ name: String, _ help: String) -> MetricDescriptor {
        MetricDescriptor(name: "node_slabinfo_" + name, help: help, type: .gauge, labels: ["slab"])
    }

    private let paths: HostPaths
    private let slabFilter: DeviceFilter

    public init(paths: HostPaths, options: Options) throws {
        self.paths = paths
        slabFilter = try DeviceFilter(exclude: options.slabsExclude, include: options.slabsInclude)
    }

    public func collect(into sink: MetricSink) throws {
        for slab in try KernelFile.parse(paths.proc("slabinfo"), with: Slabinfo.parse) where !slabFilter.ignores(slab.name) {
            sink.add(Self.activeObjects, Double(slab.activeObjects), slab.name)
            sink.add(Self.objects, Double(slab.objects), slab.name)
            sink.add(Self.objectSize, Double(slab.objectSize), slab.name)
            sink.add(Self.objectsPerSlab, Double(slab.objectsPerSlab), slab.name)
            sink.add(Self.pagesPerSlab, Double(slab.pagesPerSlab), slab.name)
        }
    }
}

enum SlabinfoFlags {
    static let slabsInclude = Flag("collector.slabinfo.slabs-include", help: "Regexp of slabs to include in slabinfo collector.", default: ".*")
    static let slabsExclude = Flag("collector.slabinfo.slabs-exclude", help: "Regexp of slabs to exclude in slabinfo collector.", default: "")
    static let all = [slabsInclude, slabsExclude]

    static func options(from flags: ParsedFlags) -> SlabinfoCollector.Options {
        SlabinfoCollector.Options(slabsInclude: flags.string(slabsInclude.name), slabsExclude: flags.string(slabsExclude.name))
    }
}
