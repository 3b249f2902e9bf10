import Foundation
import LanternTestSupport
import Testing

/// `--web.enable-admin-api`: Prometheus 2.42's answers when it is off, and snapshots
/// (hard-linked blocks plus the head as a block) that promtool reads when it is on.
@Suite(.serialized) struct AdminAPITests {
    /// curl's status code and body for `method path`.
    private static func request(_ method: String, port: Int, _ path: String) throws -> (status: Int, body: String) {
        let result = try TestSupport.run("/usr/bin/curl", ["-s", "-g", "--max-time", "30", "-X", method, "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"])
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    private static func startServer(_ directory: URL, extra: [String]) throws -> (Process, Int) {
        let port = TestSupport.freePort()
        let data = directory.appendingPathComponent("data").path
        return (try SelfScrapingServer.start(in: directory, data: data, port: port, log: "server.log", extra: extra), port)
    }

    @Test func disabledAnswersAsPrometheus() throws {
        let directory = try TestSupport.temporaryDirectory("admin-off")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, port) = try Self.startServer(directory, extra: [])
        defer { TestSupport.stop(server) }
        _ = TestSupport.waitFor(seconds: 20) { TestSupport.json(port: port, "/api/v1/status/buildinfo") }
        for action in ["snapshot", "delete_series", "clean_tombstones"] {
            for method in ["POST", "PUT"] {
                let reply = try Self.request(method, port: port, "/api/v1/admin/tsdb/\(action)")
                #expect(reply.status == 500 && reply.body == #"{"status":"error","errorType":"unavailable","error":"admin APIs disabled"}"#, "\(method) \(action)")
            }
            #expect(try Self.request("GET", port: port, "/api/v1/admin/tsdb/\(action)").status == 405)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("data/snapshots").path))
    }

    @Test func snapshotHardLinksBlocksAndWritesTheHead() throws {
        let directory = try TestSupport.temporaryDirectory("admin-on")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, port) = try Self.startServer(directory, extra: ["--web.enable-admin-api"])
        defer { TestSupport.stop(server) }
        let data = directory.appendingPathComponent("data")

        // Wait for at least one block on disk.
        let blocks = TestSupport.waitFor(seconds: 40) { () -> [String]? in
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: data.path)) ?? []).filter { $0.count == 26 && !$0.contains(".") }
            return names.isEmpty ? nil : names
        }
        try #require(blocks != nil, "no block was cut")

        let bad = try Self.request("POST", port: port, "/api/v1/admin/tsdb/snapshot?skip_head=maybe")
        #expect(bad.status == 400)
        #expect(bad.body == #"{"status":"error","errorType":"bad_data","error":"invalid parameter \"skip_head\": unable to parse boolean: strconv.ParseBool: parsing \"maybe\": invalid syntax"}"#)

        for skipHead in [false, true] {
            let reply = try Self.request("POST", port: port, "/api/v1/admin/tsdb/snapshot?skip_head=\(skipHead)")
            #expect(reply.status == 200)
            let decoded = try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any]
            let name = try #require((decoded?["data"] as? [String: Any])?["name"] as? String, "\(reply.body)")
            #expect(name.range(of: #"^\d{8}T\d{6}Z-[0-9a-f]+$"#, options: .regularExpression) != nil, "\(name)")
            let snapshot = data.appendingPathComponent("snapshots/\(name)")
            let inSnapshot = try FileManager.default.contentsOfDirectory(atPath: snapshot.path)
            let live = Set(try FileManager.default.contentsOfDirectory(atPath: data.path).filter { $0.count == 26 && !$0.contains(".") })
            // Every block in the snapshot that is still live shares its index file's inode (a hard link).
            for block in inSnapshot where live.contains(block) {
                let ours = try FileManager.default.attributesOfItem(atPath: snapshot.appendingPathComponent("\(block)/index").path)
                let theirs = try FileManager.default.attributesOfItem(atPath: data.appendingPathComponent("\(block)/index").path)
                #expect(ours[.systemFileNumber] as? Int == theirs[.systemFileNumber] as? Int, "\(block) is not a hard link")
            }
            // Blocks are never merged here (maximum block duration = minimum), so every block
            // of the snapshot is still live, except the one written from the head.
            let headBlocks = inSnapshot.filter { !live.contains($0) }
            #expect(headBlocks.count == (skipHead ? 0 : 1), "\(inSnapshot) against live \(live)")
            // promtool opens the snapshot as a data directory, and the head block holds the newest `up`.
            let list = try TestSupport.run("/usr/bin/promtool", ["tsdb", "list", snapshot.path])
            #expect(list.status == 0 && list.output.split(separator: "\n").count == inSnapshot.count + 1, "\(list.output)")
            // promtool's dump also reads a WAL, which snapshots (Prometheus' too) do not have.
            try FileManager.default.createDirectory(at: snapshot.appendingPathComponent("wal"), withIntermediateDirectories: false)
            let dump = try TestSupport.run("/usr/bin/promtool", ["tsdb", "dump", snapshot.path])
            #expect(dump.status == 0)
            #expect(dump.output.contains("{__name__=\"up\", instance=\"127.0.0.1:\(port)\", job=\"self\"} 1 "))
        }

        let deletion = try Self.request("POST", port: port, "/api/v1/admin/tsdb/delete_series?match[]=up")
        #expect(deletion.status == 500)
        #expect(deletion.body.contains(#""errorType":"internal""#) && deletion.body.contains("not supported by Lantern"))
    }
}
