import Foundation

/// The browser pages Prometheus users reach for (`/graph`, `/targets`, `/alerts`, `/rules`,
/// `/status`), read from disk at each request: plain HTML, CSS and JavaScript under
/// `--web.ui-assets`, and Debian's dygraphs under `--web.ui-dygraphs` (never a copy of it).
/// Every page is its body fragment (`pages/NAME.html`) placed in the one shared `layout.html`,
/// so the navigation exists once.
struct WebUI {
    let assetsDirectory: String
    let dygraphsDirectory: String

    init(runtime: ServerRuntime) {
        assetsDirectory = runtime.flagValues[ServerFlags.uiAssets.name] ?? ServerFlags.uiAssets.defaultValue ?? ""
        dygraphsDirectory = runtime.flagValues[ServerFlags.uiDygraphs.name] ?? ServerFlags.uiDygraphs.defaultValue ?? ""
    }

    /// Page path → the title shown in the tab and the heading.
    static let pages: [String: String] = [
        "/graph": "Graph", "/targets": "Targets", "/alerts": "Alerts", "/rules": "Rules", "/status": "Status",
    ]
    static let staticPrefix = "/static/"
    static let dygraphsPrefix = "/static/dygraphs/"

    /// Whether `path` is one of the UI's: the router sends those here.
    static func serves(_ path: String) -> Bool { pages[path] != nil || path.hasPrefix(staticPrefix) }

    /// Prometheus answers `/` with a redirect to its graph page.
    static func rootRedirect() -> APIResponse {
        var response = APIResponse(status: 302, contentType: "text/html; charset=utf-8", body: "<a href=\"/graph\">Found</a>.\n")
        response.headers.append(("Location", "/graph"))
        return response
    }

    func response(for path: String) -> APIResponse {
        if let title = Self.pages[path] { return page(name: String(path.dropFirst()), title: title) }
        if path.hasPrefix(Self.dygraphsPrefix) {
            return file(in: dygraphsDirectory, relative: String(path.dropFirst(Self.dygraphsPrefix.count)), flag: ServerFlags.uiDygraphs.name)
        }
        return file(in: assetsDirectory + "/static", relative: String(path.dropFirst(Self.staticPrefix.count)), flag: ServerFlags.uiAssets.name)
    }

    private func page(name: String, title: String) -> APIResponse {
        let layoutPath = assetsDirectory + "/layout.html", contentPath = assetsDirectory + "/pages/\(name).html"
        guard let layout = FileManager.default.contents(atPath: layoutPath), let content = FileManager.default.contents(atPath: contentPath) else {
            return Self.missing(FileManager.default.fileExists(atPath: layoutPath) ? contentPath : layoutPath, flag: ServerFlags.uiAssets.name)
        }
        let html = String(decoding: layout, as: UTF8.self)
            .replacingOccurrences(of: "{{title}}", with: title)
            .replacingOccurrences(of: "{{page}}", with: name)
            // The current page's link is marked for screen readers and styling.
            .replacingOccurrences(of: "href=\"/\(name)\"", with: "href=\"/\(name)\" aria-current=\"page\"")
            .replacingOccurrences(of: "{{content}}", with: String(decoding: content, as: UTF8.self))
        var response = APIResponse(contentType: "text/html; charset=utf-8", body: html)
        response.headers.append(("Cache-Control", "no-cache"))
        return response
    }

    /// A file below `directory`; a path that climbs out of it, or names a hidden file, is not found.
    private func file(in directory: String, relative: String, flag: String) -> APIResponse {
        let segments = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !relative.isEmpty, !segments.contains(where: { $0.isEmpty || $0.hasPrefix(".") }), !relative.contains("\0") else {
            return .text("404 page not found\n", status: 404)
        }
        let path = directory + "/" + relative
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let bytes = FileManager.default.contents(atPath: path) else {
            if !FileManager.default.fileExists(atPath: directory) { return Self.missing(directory, flag: flag) }
            return .text("404 page not found\n", status: 404)
        }
        var response = APIResponse(contentType: Self.contentType(of: relative), body: "")
        response.body = Array(bytes)
        response.headers.append(("Cache-Control", "no-cache"))
        return response
    }

    /// The UI's files are not where the flag points: say which file and which flag.
    private static func missing(_ path: String, flag: String) -> APIResponse {
        .text("web UI asset not found: \(path) (set --\(flag) to the directory that holds it)\n", status: 500)
    }

    static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last ?? "" {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "map", "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        default: "application/octet-stream"
        }
    }
}
