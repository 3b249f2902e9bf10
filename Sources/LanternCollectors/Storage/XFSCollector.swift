import Glibc
import LanternMetrics
import LanternSupport

/// node_exporter's `xfs` collector: per-filesystem XFS statistics from
/// /sys/fs/xfs/<device>/stats/stats.
public struct XFSCollector: Collector {
    /// Each exposed counter: metric name (after `node_xfs_`), help, section and index in
    /// that section. node_exporter labels the first `rw` counter writes and the second reads.
    static let counters: [(descriptor: MetricDescriptor, section: String, index: Int)] = [
        ("allocation_btree_compares_total", "Number of allocation B-tree compares for a filesystem.", "abt", 1),
        ("allocation_btree_lookups_total", "Number of allocation B-tree lookups for a filesystem.", "abt", 0),
        ("allocation_btree_records_deleted_total", "Number of allocation B-tree records deleted for a filesystem.", "abt", 3),
        ("allocation_btree_records_inserted_total", "Number of allocation B-tree records inserted for a filesystem.", "abt", 2),
        ("block_map_btree_compares_total", "Number of block map B-tree compares for a filesystem.", "bmbt", 1),
        ("block_map_btree_lookups_total", "Number of block map B-tree lookups for a filesystem.", "bmbt", 0),
        ("block_map_btree_records_deleted_total", "Number of block map B-tree records deleted for a filesystem.", "bmbt", 3),
        ("block_map_btree_records_inserted_total", "Number of block map B-tree records inserted for a filesystem.", "bmbt", 2),
        ("block_mapping_extent_list_compares_total", "Number of extent list compares for a filesystem.", "blk_map", 6),
        ("block_mapping_extent_list_deletions_total", "Number of extent list deletions for a filesystem.", "blk_map", 4),
        ("block_mapping_extent_list_insertions_total", "Number of extent list insertions for a filesystem.", "blk_map", 3),
        ("block_mapping_extent_list_lookups_total", "Number of extent list lookups for a filesystem.", "blk_map", 5),
        ("block_mapping_reads_total", "Number of block map for read operations for a filesystem.", "blk_map", 0),
        ("block_mapping_unmaps_total", "Number of block unmaps (deletes) for a filesystem.", "blk_map", 2),
        ("block_mapping_writes_total", "Number of block map for write operations for a filesystem.", "blk_map", 1),
        ("directory_operation_create_total", "Number of times a new directory entry was created for a filesystem.", "dir", 1),
        ("directory_operation_getdents_total", "Number of times the directory getdents operation was performed for a filesystem.", "dir", 3),
        ("directory_operation_lookup_total", "Number of file name directory lookups which miss the operating systems directory name lookup cache.", "dir", 0),
        ("directory_operation_remove_total", "Number of times an existing directory entry was created for a filesystem.", "dir", 2),
        ("extent_allocation_blocks_allocated_total", "Number of blocks allocated for a filesystem.", "extent_alloc", 1),
        ("extent_allocation_blocks_freed_total", "Number of blocks freed for a filesystem.", "extent_alloc", 3),
        ("extent_allocation_extents_allocated_total", "Number of extents allocated for a filesystem.", "extent_alloc", 0),
        ("extent_allocation_extents_freed_total", "Number of extents freed for a filesystem.", "extent_alloc", 2),
        ("inode_operation_attempts_total", "Number of times the OS looked for an XFS inode in the inode cache.", "ig", 0),
        ("inode_operation_attribute_changes_total", "Number of times the OS explicitly changed the attributes of an XFS inode.", "ig", 6),
        ("inode_operation_duplicates_total", "Number of times the OS tried to add a missing XFS inode to the inode cache, but found it had already been added by another process.", "ig", 4),
        ("inode_operation_found_total", "Number of times the OS looked for and found an XFS inode in the inode cache.", "ig", 1),
        ("inode_operation_missed_total", "Number of times the OS looked for an XFS inode in the cache, but did not find it.", "ig", 3),
        ("inode_operation_reclaims_total", "Number of times the OS reclaimed an XFS inode from the inode cache to free memory for another purpose.", "ig", 5),
        ("inode_operation_recycled_total", "Number of times the OS found an XFS inode in the cache, but could not use it as it was being recycled.", "ig", 2),
        ("read_calls_total", "Number of read(2) system calls made to files in a filesystem.", "rw", 1),
        ("vnode_active_total", "Number of vnodes not on free lists for a filesystem.", "vnodes", 0),
        ("vnode_allocate_total", "Number of times vn_alloc called for a filesystem.", "vnodes", 1),
        ("vnode_get_total", "Number of times vn_get called for a filesystem.", "vnodes", 2),
        ("vnode_hold_total", "Number of times vn_hold called for a filesystem.", "vnodes", 3),
        ("vnode_reclaim_total", "Number of times vn_reclaim called for a filesystem.", "vnodes", 5),
        ("vnode_release_total", "Number of times vn_rele called for a filesystem.", "vnodes", 4),
        ("vnode_remove_total", "Number of times vn_remove called for a filesystem.", "vnodes", 6),
        ("write_calls_total", "Number of write(2) system calls made to files in a filesystem.", "rw", 0),
    ].map { name, help, section, index in
        (MetricDescriptor(name: "node_xfs_" + name, help: help, type: .counter, labels: ["device"]), section, index)
    }

    private let paths: HostPaths

    public init(paths: HostPaths) {
        self.paths = paths
    }

    public func collect(into sink: MetricSink) throws {
        // Like the glob fs/xfs/*/stats/stats: no XFS filesystem mounted, no metrics.
        for device in (try? KernelFile.entries(of: paths.sys("fs/xfs"))) ?? [] {
            let path = paths.sys("fs/xfs/\(device)/stats/stats")
            let stats: XFSStats
            do {
                stats = try KernelFile.parse(path, with: XFSStats.parse)
            } catch where error.isNotFound || error.errno == ENOTDIR {
                // Not a match of the glob: /sys/fs/xfs/stats (the global counters) is a
                // directory without a stats/ directory of its own.
                continue
            } catch {
                throw CollectorError("failed to retrieve XFS stats: \(error)")
            }
            for (descriptor, section, index) in Self.counters {
                sink.add(descriptor, Double(stats.value(section, index)), device)
            }
        }
    }
}
