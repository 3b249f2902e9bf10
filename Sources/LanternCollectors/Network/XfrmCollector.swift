import LanternMetrics
import LanternSupport

/// node_exporter's `xfrm` collector: IPsec transformation error counters of
/// /proc/net/xfrm_stat. Counters the file lacks are exposed as 0.
public struct XfrmCollector: Collector {
    /// Kernel counter name, node_exporter's metric stem and help, in the kernel's order.
    static let counters: [(kernelName: String, descriptor: MetricDescriptor)] = [
        ("XfrmInError", "in_error", "All errors not matched by other"),
        ("XfrmInBufferError", "in_buffer_error", "No buffer is left"),
        ("XfrmInHdrError", "in_hdr_error", "Header error"),
        ("XfrmInNoStates", "in_no_states", "No state is found i.e. Either inbound SPI, address, or IPsec protocol at SA is wrong"),
        ("XfrmInStateProtoError", "in_state_proto_error", "Transformation protocol specific error e.g. SA key is wrong"),
        ("XfrmInStateModeError", "in_state_mode_error", "Transformation mode specific error"),
        ("XfrmInStateSeqError", "in_state_seq_error", "Sequence error i.e. Sequence number is out of window"),
        ("XfrmInStateExpired", "in_state_expired", "State is expired"),
        ("XfrmInStateMismatch", "in_state_mismatch", "State has mismatch option e.g. UDP encapsulation type is mismatch"),
        ("XfrmInStateInvalid", "in_state_invalid", "State is invalid"),
        ("XfrmInTmplMismatch", "in_tmpl_mismatch", "No matching template for states e.g. Inbound SAs are correct but SP rule is wrong"),
        ("XfrmInNoPols", "in_no_pols", "No policy is found for states e.g. Inbound SAs are correct but no SP is found"),
        ("XfrmInPolBlock", "in_pol_block", "Policy discards"),
        ("XfrmInPolError", "in_pol_error", "Policy error"),
        ("XfrmOutError", "out_error", "All errors which is not matched others"),
        ("XfrmOutBundleGenError", "out_bundle_gen_error", "Bundle generation error"),
        ("XfrmOutBundleCheckError", "out_bundle_check_error", "Bundle check error"),
        ("XfrmOutNoStates", "out_no_states", "No state is found"),
        ("XfrmOutStateProtoError", "out_state_proto_error", "Transformation protocol specific error"),
        ("XfrmOutStateModeError", "out_state_mode_error", "Transformation mode specific error"),
        ("XfrmOutStateSeqError", "out_state_seq_error", "Sequence error i.e. Sequence number overflow"),
        ("XfrmOutStateExpired", "out_state_expired", "State is expired"),
        ("XfrmOutPolBlock", "out_pol_block", "Policy discards"),
        ("XfrmOutPolDead", "out_pol_dead", "Policy is dead"),
        ("XfrmOutPolError", "out_pol_error", "Policy error"),
        ("XfrmFwdHdrError", "fwd_hdr_error", "Forward routing of a packet is not allowed"),
        ("XfrmOutStateInvalid", "out_state_invalid", "State is invalid, perhaps expired"),
        ("XfrmAcquireError", "acquire_error", "State hasn’t been fully acquired before use"),
    ].map { ($0.0, MetricDescriptor(name: "node_xfrm_\($0.1)_packets_total", help: $0.2, type: .counter)) }

    private let paths: HostPaths

    public init(paths: HostPaths) { self.paths = paths }

    public func collect(into sink: MetricSink) throws {
        let stat = try KernelFile.parse(paths.proc("net/xfrm_stat"), with: XfrmStat.parse)
        for (kernelName, descriptor) in Self.counters {
            sink.add(descriptor, Double(stat[kernelName] ?? 0))
        }
    }
}
