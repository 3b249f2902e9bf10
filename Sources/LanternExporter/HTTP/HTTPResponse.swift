/// A complete response, built off the event loop and written in one go.
struct HTTPResponse: Sendable {
    var status: UInt
    var headers: [(String, String)]
    var body: [UInt8]

    /// Like Go's `http.Error`: plain text, `nosniff`, the message plus a newline.
    static func error(_ status: UInt, _ message: String) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: [("Content-Type", "text/plain; charset=utf-8"), ("X-Content-Type-Options", "nosniff")],
            body: Array((message + "\n").utf8))
    }

    static func html(_ page: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "text/html; charset=UTF-8")], body: Array(page.utf8))
    }

    /// Go's `http.NotFound`.
    static let notFound = HTTPResponse.error(404, "404 page not found")
}
