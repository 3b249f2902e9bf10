/// Maps paths to endpoints, as Prometheus' web handler routes them.
public struct APIRouter: Sendable {
    let runtime: ServerRuntime

    public init(runtime: ServerRuntime) { self.runtime = runtime }

    public func handle(_ request: APIRequest) async -> APIResponse {
        let isRead = request.method == "GET" || request.method == "POST" || request.method == "HEAD"
        let labelValuesPrefix = "/api/v1/label/", labelValuesSuffix = "/values"
        switch request.path {
        case "/api/v1/query" where isRead: return QueryEndpoints(runtime: runtime).instant(request)
        case "/api/v1/query_range" where isRead: return QueryEndpoints(runtime: runtime).range(request)
        case "/api/v1/series" where isRead: return SeriesEndpoints(runtime: runtime).series(request)
        case "/api/v1/labels" where isRead: return SeriesEndpoints(runtime: runtime).labelNames(request)
        case let path where isRead && path.hasPrefix(labelValuesPrefix) && path.hasSuffix(labelValuesSuffix):
            let name = String(path.dropFirst(labelValuesPrefix.count).dropLast(labelValuesSuffix.count))
            return SeriesEndpoints(runtime: runtime).labelValues(request, name: APIRequest.percentDecode(Substring(name)))
        case "/api/v1/targets": return await TargetsEndpoints(runtime: runtime).targets(request)
        case "/api/v1/metadata": return await TargetsEndpoints(runtime: runtime).metadata(request)
        case "/api/v1/rules" where isRead: return RulesEndpoints(ruleServices: runtime.ruleServices).rules(request)
        case "/api/v1/alerts" where isRead: return RulesEndpoints(ruleServices: runtime.ruleServices).alerts()
        case "/api/v1/alertmanagers" where isRead: return RulesEndpoints(ruleServices: runtime.ruleServices).alertmanagers()
        case "/api/v1/write": return RemoteWriteEndpoint(runtime: runtime).write(request)
        case "/api/v1/status/config": return StatusEndpoints(runtime: runtime).config()
        case "/api/v1/status/flags": return StatusEndpoints(runtime: runtime).flags()
        case "/api/v1/status/runtimeinfo": return StatusEndpoints(runtime: runtime).runtimeInfo()
        case "/api/v1/status/buildinfo": return StatusEndpoints(runtime: runtime).buildInfo()
        case "/api/v1/status/tsdb": return StatusEndpoints(runtime: runtime).tsdb()
        case "/api/v1/status/tsdb/blocks": return BlocksEndpoint(runtime: runtime).blocks()
        case let path where path.hasPrefix(AdminEndpoints.pathPrefix):
            return AdminEndpoints(runtime: runtime).handle(request, action: String(path.dropFirst(AdminEndpoints.pathPrefix.count)))
        case "/metrics": return await SelfMetrics(runtime: runtime).render()
        case "/-/healthy": return .text("Lantern Server is Healthy.\n")
        case "/-/ready": return .text("Lantern Server is Ready.\n")
        case "/-/reload": return await reload(request)
        case "/" where isRead: return WebUI.rootRedirect()
        case let path where isRead && WebUI.serves(path): return WebUI(runtime: runtime).response(for: path)
        default: return .text("404 page not found\n", status: 404)
        }
    }

    private func reload(_ request: APIRequest) async -> APIResponse {
        guard runtime.lifecycleEnabled else { return .text("Lifecycle API is not enabled.", status: 403) }
        guard request.method == "POST" || request.method == "PUT" else { return .text("Only POST or PUT requests allowed", status: 405) }
        do {
            try await runtime.reloadConfig()
            return .text("")
        } catch {
            return .text("failed to reload config: \(error)\n", status: 500)
        }
    }
}
