/// The user and password of an `Authorization: Basic …` header, as Go's
/// `Request.BasicAuth` reads it: scheme case-insensitive, standard base64, split at the first colon.
struct BasicCredentials: Equatable {
    let user: String
    let password: [UInt8]

    init(user: String, password: [UInt8]) {
        self.user = user
        self.password = password
    }

    init?(authorization: String) {
        let prefix = "basic "
        guard authorization.utf8.count > prefix.utf8.count,
              authorization.prefix(prefix.count).lowercased() == prefix,
              let decoded = Base64.decode(authorization.dropFirst(prefix.count)),
              let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        user = String(decoding: decoded[..<colon], as: UTF8.self)
        password = Array(decoded[(colon + 1)...])
    }
}

/// Standard base64 with padding (RFC 4648 §4), strict as Go's `StdEncoding`.
enum Base64 {
    static func decode(_ text: Substring) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        var index = 0
        while index < input.count {
            let isLast = index + 4 == input.count
            var quantum: UInt32 = 0
            var padding = 0
            for offset in 0..<4 {
                let byte = input[index + offset]
                if byte == UInt8(ascii: "=") && isLast && offset >= 2 {
                    padding += 1
                    quantum <<= 6
                    continue
                }
                guard padding == 0, let value = sextet(byte) else { return nil }
                quantum = quantum << 6 | UInt32(value)
            }
            output.append(UInt8(truncatingIfNeeded: quantum >> 16))
            if padding < 2 { output.append(UInt8(truncatingIfNeeded: quantum >> 8)) }
            if padding < 1 { output.append(UInt8(truncatingIfNeeded: quantum)) }
            index += 4
        }
        return output
    }

    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
