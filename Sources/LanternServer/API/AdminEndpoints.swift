import Glibc
import LanternFlags
import LanternPromQL

/// `/api/v1/admin/tsdb/*` behind `--web.enable-admin-api`, answering as Prometheus 2.42
/// does: POST or PUT only (405 otherwise), `unavailable` "admin APIs disabled" with
/// status 500 while the flag is off. `snapshot` is implemented; series deletion is not
/// (Lantern writes no tombstones), so `delete_series` and `clean_tombstones` say so.
struct AdminEndpoints {
    let runtime: ServerRuntime

    static let pathPrefix = "/api/v1/admin/tsdb/"

    func handle(_ request: APIRequest, action: String) -> APIResponse {
        guard request.method == "POST" || request.method == "PUT" else { return .text("Method Not Allowed\n", status: 405) }
        guard runtime.adminAPIEnabled else { return APIEnvelope.error(.unavailable, "admin APIs disabled") }
        switch action {
        case "snapshot": return snapshot(request)
        case "delete_series", "clean_tombstones":
            return APIEnvelope.error(.internal, "\(action) is not supported by Lantern: it does not delete series (no tombstones)")
        default: return .text("404 page not found\n", status: 404)
        }
    }

    /// Hard links of every block plus the head written as a block (unless `skip_head`)
    /// under `<data>/snapshots/<time>-<random hex>`, named as Prometheus names them.
    private func snapshot(_ request: APIRequest) -> APIResponse {
        var skipHead = false
        if let text = request.first("skip_head"), !text.isEmpty {
            guard let value = parseGoBool(text) else {
                return APIEnvelope.error(
                    .badData, "invalid parameter \"skip_head\": unable to parse boolean: strconv.ParseBool: parsing \"\(text)\": invalid syntax")
            }
            skipHead = value
        }
        let name = Self.snapshotName(seconds: time(nil), random: UInt64.random(in: 0...UInt64(Int64.max)))
        let snapshots = runtime.database.directory + "/snapshots"
        do {
            if mkdir(snapshots, 0o777) != 0 && errno != EEXIST {
                return APIEnvelope.error(.internal, "create snapshot directory: mkdir \(snapshots): \(String(cString: strerror(errno)))")
            }
            try runtime.database.snapshot(into: snapshots + "/" + name, includeHead: !skipHead)
        } catch {
            return APIEnvelope.error(.internal, "create snapshot: \(error)")
        }
        runtime.logger.info("Snapshot created", metadata: ["name": "\(name)", "skip_head": "\(skipHead)"])
        return APIEnvelope.success(APIEnvelope.object([("name", PrometheusJSON.string(name))]))
    }

    /// `20060102T150405Z-<hex>`: UTC time of the request, then a random non-negative 63-bit number.
    static func snapshotName(seconds: time_t, random: UInt64) -> String {
        var parts = tm()
        var copy = seconds
        gmtime_r(&copy, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let date = "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))"
        return "\(date)T\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z-" + String(random, radix: 16)
    }
}
