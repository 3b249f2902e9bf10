import LanternMetrics
import LanternSupport
import Logging

/// node_exporter's `mountstats` collector: per-mount NFS client statistics from
/// /proc/self/mountstats, with the server address taken from /proc/self/mountinfo.
public struct MountStatsCollector: Collector {
    private static let labels = ["export", "protocol", "mountaddr"]

    private static func descriptor(
        _ name: String, _ help: String, _ type: MetricType = .counter, extraLabel: String? = nil
    ) -> MetricDescriptor {
        MetricDescriptor(
            name: "node_mountstats_nfs_" + name, help: help, type: type, labels: labels + (extraLabel.map { [$0] } ?? []))
    }

    static let age = descriptor("age_seconds_total", "The age of the NFS mount in seconds.")
    static let mountpointInfo = MetricDescriptor(
        name: "node_mountstats_nfs_mountpoint_info", help: "Info metric for an NFS mountpoint.", type: .gauge,
        labels: labels + ["mountpoint"])

    /// `bytes:` fields in kernel order.
    static let bytes = [
        descriptor("read_bytes_total", "Number of bytes read using the read() syscall."),
        descriptor("write_bytes_total", "Number of bytes written using the write() syscall."),
        descriptor("direct_read_bytes_total", "Number of bytes read using the read() syscall in O_DIRECT mode."),
        descriptor("direct_write_bytes_total", "Number of bytes written using the write() syscall in O_DIRECT mode."),
        descriptor("total_read_bytes_total", "Number of bytes read from the NFS server, in total."),
        descriptor("total_write_bytes_total", "Number of bytes written to the NFS server, in total."),
        descriptor("read_pages_total", "Number of pages read directly via mmap()'d files."),
        descriptor("write_pages_total", "Number of pages written directly via mmap()'d files."),
    ]

    /// `events:` fields exposed, with their index in the kernel's order (18, the
    /// congestion wait count, is not exposed). Two help texts repeat others, as in node_exporter.
    static let events: [(index: Int, descriptor: MetricDescriptor)] = [
        (0, descriptor("event_inode_revalidate_total", "Number of times cached inode attributes are re-validated from the server.")),
        (1, descriptor("event_dnode_revalidate_total", "Number of times cached dentry nodes are re-validated from the server.")),
        (2, descriptor("event_data_invalidate_total", "Number of times an inode cache is cleared.")),
        (3, descriptor("event_attribute_invalidate_total", "Number of times cached inode attributes are invalidated.")),
        (4, descriptor("event_vfs_open_total", "Number of times cached inode attributes are invalidated.")),
        (5, descriptor("event_vfs_lookup_total", "Number of times a directory lookup has occurred.")),
        (6, descriptor("event_vfs_access_total", "Number of times permissions have been checked.")),
        (7, descriptor("event_vfs_update_page_total", "Number of updates (and potential writes) to pages.")),
        (8, descriptor("event_vfs_read_page_total", "Number of pages read directly via mmap()'d files.")),
        (9, descriptor("event_vfs_read_pages_total", "Number of times a group of pages have been read.")),
        (10, descriptor("event_vfs_write_page_total", "Number of pages written directly via mmap()'d files.")),
        (11, descriptor("event_vfs_write_pages_total", "Number of times a group of pages have been written.")),
        (12, descriptor("event_vfs_getdents_total", "Number of times directory entries have been read with getdents().")),
        (13, descriptor("event_vfs_setattr_total", "Number of times directory entries have been read with getdents().")),
        (14, descriptor("event_vfs_flush_total", "Number of pending writes that have been forcefully flushed to the server.")),
        (15, descriptor("event_vfs_fsync_total", "Number of times fsync() has been called on directories and files.")),
        (16, descriptor("event_vfs_lock_total", "Number of times locking has been attempted on a file.")),
        (17, descriptor("event_vfs_file_release_total", "Number of times files have been closed and released.")),
        (19, descriptor("event_truncation_total", "Number of times files have been truncated.")),
        (20, descriptor("event_write_extension_total", "Number of times a file has been grown due to writes beyond its existing end.")),
        (21, descriptor("event_silly_rename_total", "Number of times a file was removed while still open by another process.")),
        (22, descriptor("event_short_read_total", "Number of times the NFS server gave less data than expected while reading.")),
        (23, descriptor("event_short_write_total", "Number of times the NFS server wrote less data than expected while writing.")),
        (24, descriptor("event_jukebox_delay_total", "Number of times the NFS server indicated EJUKEBOX; retrieving data from offline storage.")),
        (25, descriptor("event_pnfs_read_total", "Number of NFS v4.1+ pNFS reads.")),
        (26, descriptor("event_pnfs_write_total", "Number of NFS v4.1+ pNFS writes.")),
    ]

    static let transportBind = descriptor(
        "transport_bind_total", "Number of times the client has had to establish a connection from scratch to the NFS server.",
        extraLabel: "transport")
    static let transportConnect = descriptor(
        "transport_connect_total", "Number of times the client has made a TCP connection to the NFS server.", extraLabel: "transport")
    static let transportIdle = descriptor(
        "transport_idle_time_seconds", "Duration since the NFS mount last saw any RPC traffic, in seconds.", .gauge, extraLabel: "transport")
    static let transportSends = descriptor(
        "transport_sends_total", "Number of RPC requests for this mount sent to the NFS server.", extraLabel: "transport")
    static let transportReceives = descriptor(
        "transport_receives_total", "Number of RPC responses for this mount received from the NFS server.", extraLabel: "transport")
    static let transportBadIDs = descriptor(
        "transport_bad_transaction_ids_total",
        "Number of times the NFS server sent a response with a transaction ID unknown to this client.", extraLabel: "transport")
    static let transportBacklog = descriptor(
        "transport_backlog_queue_total", "Total number of items added to the RPC backlog queue.", extraLabel: "transport")
    static let transportSlots = descriptor(
        "transport_maximum_rpc_slots", "Maximum number of simultaneously active RPC requests ever used.", .gauge, extraLabel: "transport")
    static let transportSending = descriptor(
        "transport_sending_queue_total", "Total number of items added to the RPC transmission sending queue.", extraLabel: "transport")
    static let transportPending = descriptor(
        "transport_pending_queue_total", "Total number of items added to the RPC transmission pending queue.", extraLabel: "transport")

    static let operationRequests = descriptor(
        "operations_requests_total", "Number of requests performed for a given operation.", extraLabel: "operation")
    static let operationTransmissions = descriptor(
        "operations_transmissions_total", "Number of times an actual RPC request has been transmitted for a given operation.",
        extraLabel: "operation")
    static let operationMajorTimeouts = descriptor(
        "operations_major_timeouts_total", "Number of times a request has had a major timeout for a given operation.",
        extraLabel: "operation")
    static let operationSentBytes = descriptor(
        "operations_sent_bytes_total", "Number of bytes sent for a given operation, including RPC headers and payload.",
        extraLabel: "operation")
    static let operationReceivedBytes = descriptor(
        "operations_received_bytes_total", "Number of bytes received for a given operation, including RPC headers and payload.",
        extraLabel: "operation")
    static let operationQueueTime = descriptor(
        "operations_queue_time_seconds_total",
        "Duration all requests spent queued for transmission for a given operation before they were sent, in seconds.",
        extraLabel: "operation")
    static let operationResponseTime = descriptor(
        "operations_response_time_seconds_total",
        "Duration all requests took to get a reply back after a request for a given operation was transmitted, in seconds.",
        extraLabel: "operation")
    static let operationRequestTime = descriptor(
        "operations_request_time_seconds_total",
        "Duration all requests took from when a request was enqueued to when it was completely handled for a given operation, in seconds.",
        extraLabel: "operation")

    /// node_exporter reduces some counters modulo 2^53, the largest integer a float64 holds exactly.
    private static let float64Mantissa: UInt64 = 9_007_199_254_740_992

    private struct Mount: Hashable {
        var export: String
        var protocolName: String
        var address: String
    }

    private let paths: HostPaths
    private let logger: Logger

    public init(paths: HostPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func collect(into sink: MetricSink) throws {
        let mounts: [MountStatsEntry]
        let mountInfo: [MountInfo]
        do {
            mounts = try KernelFile.parse(paths.proc("self/mountstats"), with: MountStats.parse)
        } catch {
            throw CollectorError("failed to parse mountstats: \(error)")
        }
        do {
            mountInfo = try KernelFile.parse(paths.proc("self/mountinfo"), with: MountInfo.parse)
        } catch {
            throw CollectorError("failed to parse mountinfo: \(error)")
        }

        var seenMounts: Set<Mount> = []
        var seenMountpoints: Set<[String]> = []
        for (index, entry) in mounts.enumerated() {
            guard let stats = entry.nfs else { continue }
            // Both files list the mounts in the same order.
            let address = index < mountInfo.count ? Self.superOption("addr", in: mountInfo[index]) : ""
            for transport in stats.transports {
                let mount = Mount(export: entry.device, protocolName: transport.protocolName, address: address)
                let mountpointKey = [mount.export, mount.protocolName, mount.address, entry.mountPoint]
                if seenMountpoints.insert(mountpointKey).inserted {
                    sink.add(Self.mountpointInfo, 1, labelValues: mountpointKey)
                } else {
                    logger.debug("Skipping duplicate mountpoint info entry", metadata: ["device": "\(mountpointKey)"])
                }
                guard seenMounts.insert(mount).inserted else {
                    logger.debug("Skipping duplicate device entry", metadata: ["device": "\(mount)"])
                    break
                }
                add(stats, of: mount, into: sink)
            }
        }
    }

    /// A superblock option's value as procfs reads it (`key=value`; the text between the
    /// first and second `=`), or "" when absent.
    private static func superOption(_ key: String, in mount: MountInfo) -> String {
        for option in mount.superOptions {
            let parts = option.split(separator: "=", omittingEmptySubsequences: false)
            if parts.first.map(String.init) == key { return parts.count > 1 ? String(parts[1]) : "" }
        }
        return ""
    }

    private func add(_ stats: NFSMountStats, of mount: Mount, into sink: MetricSink) {
        let labels = [mount.export, mount.protocolName, mount.address]
        sink.add(Self.age, stats.ageSeconds, labelValues: labels)
        for (descriptor, value) in zip(Self.bytes, stats.bytes) { sink.add(descriptor, Double(value), labelValues: labels) }
        for (index, transport) in stats.transports.enumerated() {
            let transportLabels = labels + [String(index)]
            for (descriptor, value) in [
                (Self.transportBind, transport.bind), (Self.transportConnect, transport.connect),
                (Self.transportIdle, transport.idleTimeSeconds % Self.float64Mantissa), (Self.transportSends, transport.sends),
                (Self.transportReceives, transport.receives), (Self.transportBadIDs, transport.badTransactionIDs),
                (Self.transportBacklog, transport.cumulativeBacklog), (Self.transportSlots, transport.maximumRPCSlotsUsed),
                (Self.transportSending, transport.cumulativeSendingQueue), (Self.transportPending, transport.cumulativePendingQueue),
            ] {
                sink.add(descriptor, Double(value), labelValues: transportLabels)
            }
        }
        for operation in stats.operations {
            let operationLabels = labels + [operation.name]
            for (descriptor, value) in [
                (Self.operationRequests, Double(operation.requests)), (Self.operationTransmissions, Double(operation.transmissions)),
                (Self.operationMajorTimeouts, Double(operation.majorTimeouts)), (Self.operationSentBytes, Double(operation.bytesSent)),
                (Self.operationReceivedBytes, Double(operation.bytesReceived)),
                (Self.operationQueueTime, Self.seconds(milliseconds: operation.queueMilliseconds)),
                (Self.operationResponseTime, Self.seconds(milliseconds: operation.responseMilliseconds)),
                (Self.operationRequestTime, Self.seconds(milliseconds: operation.requestMilliseconds)),
            ] {
                sink.add(descriptor, value, labelValues: operationLabels)
            }
        }
        for (index, descriptor) in Self.events where index < stats.events.count {
            sink.add(descriptor, Double(stats.events[index]), labelValues: labels)
        }
    }

    private static func seconds(milliseconds: UInt64) -> Double {
        Double(milliseconds % float64Mantissa) / 1000
    }
}
