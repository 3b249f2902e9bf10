/// A request as the API handlers see it: method, path, and the query string's and form
/// body's parameters merged (form values after query values, as Go's `r.Form`).
public struct APIRequest: Sendable {
    public var method: String
    public var path: String
    public var parameters: [String: [String]]
    public var body: [UInt8]
    /// The body was longer than the listener buffers; `body` holds only its start.
    public var bodyExceededLimit = false

    public init(method: String, uri: String, body: [UInt8], contentType: String?) {
        self.method = method
        self.body = body
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = String(parts[0])
        parameters = [:]
        if parts.count == 2 { Self.decodeForm(String(parts[1]), into: &parameters) }
        if method == "POST" || method == "PUT", contentType?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
            Self.decodeForm(String(decoding: body, as: UTF8.self), into: &parameters)
        }
    }

    /// The first value of a parameter, or nil.
    public func first(_ name: String) -> String? { parameters[name]?.first }

    static func decodeForm(_ text: String, into parameters: inout [String: [String]]) {
        for pair in text.split(separator: "&") where !pair.isEmpty {
            let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecode(keyValue[0])
            let value = keyValue.count > 1 ? percentDecode(keyValue[1]) : ""
            parameters[key, default: []].append(value)
        }
    }

    static func percentDecode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), iterator.count >= 2,
                      let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A complete response.
public struct APIResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    public var headers: [(String, String)] = []

    public init(status: Int = 200, contentType: String, body: String) {
        self.status = status
        self.contentType = contentType
        self.body = Array(body.utf8)
    }

    public static func text(_ text: String, status: Int = 200) -> APIResponse {
        APIResponse(status: status, contentType: "text/plain; charset=utf-8", body: text)
    }

    public static func json(_ json: String, status: Int = 200) -> APIResponse {
        APIResponse(status: status, contentType: "application/json", body: json)
    }
}
