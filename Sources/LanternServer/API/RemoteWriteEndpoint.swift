import LanternRemote

/// `POST /api/v1/write`, Prometheus' remote write receiver: off unless
/// `--web.enable-remote-write-receiver` is given, answering as Prometheus 2.42 does.
struct RemoteWriteEndpoint {
    let runtime: ServerRuntime

    func write(_ request: APIRequest) -> APIResponse {
        guard runtime.remoteWriteReceiverEnabled else {
            return .text("remote write receiver needs to be enabled with --web.enable-remote-write-receiver\n", status: 404)
        }
        guard request.method == "POST" else { return .text("Method Not Allowed\n", status: 405) }
        guard !request.bodyExceededLimit else {
            return .text("request body too large\n", status: 413)
        }
        let (status, message) = RemoteWriteReceiver.handle(body: request.body, database: runtime.database)
        return status == 204 ? APIResponse(status: 204, contentType: "text/plain; charset=utf-8", body: "") : .text(message + "\n", status: status)
    }
}
