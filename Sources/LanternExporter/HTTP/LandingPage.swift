/// The page at `/` (when the telemetry path is not `/`): name, version, and a link
/// to the metrics, like exporter-toolkit's landing page.
enum LandingPage {
    static func html(telemetryPath: String) -> String {
        let link = escapeHTML(telemetryPath)
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="UTF-8">
        <title>Lantern Exporter</title>
        <style>
        body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 0; }
        header { background: #1f2937; color: #f9fafb; padding: 1rem 2rem; }
        main { padding: 1rem 2rem; }
        a { color: #b45309; }
        </style>
        </head>
        <body>
        <header><h1>Lantern Exporter</h1></header>
        <main>
        <p>Prometheus-compatible host metrics exporter, a drop-in replacement for node_exporter.</p>
        <p>Version: \(escapeHTML(LanternVersion.version)) (revision: \(escapeHTML(LanternVersion.revision)))</p>
        <ul><li><a href="\(link)">Metrics</a></li></ul>
        </main>
        </body>
        </html>

        """
    }

    static func escapeHTML(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&#34;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
