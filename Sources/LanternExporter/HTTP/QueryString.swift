/// Splits a request target into its path and decoded query pairs, the way Go's
/// `url.ParseQuery` reads them (`+` is a space, `%XX` escapes, pairs split on `&`).
struct RequestTarget: Equatable {
    let path: String
    let query: [(name: String, value: String)]

    init(_ uri: String) {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = RequestTarget.percentDecode(parts.first ?? "", plusIsSpace: false) ?? String(parts.first ?? "")
        guard parts.count == 2 else {
            query = []
            return
        }
        var pairs: [(String, String)] = []
        for component in parts[1].split(separator: "&", omittingEmptySubsequences: true) {
            let pair = component.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            // Go drops a pair whose escapes are invalid; so do we.
            guard let name = RequestTarget.percentDecode(pair[0], plusIsSpace: true),
                  let value = RequestTarget.percentDecode(pair.count == 2 ? pair[1] : "", plusIsSpace: true)
            else { continue }
            pairs.append((name, value))
        }
        query = pairs
    }

    /// All values of a query parameter, in order.
    func values(_ name: String) -> [String] {
        query.filter { $0.name == name }.map(\.value)
    }

    static func == (a: RequestTarget, b: RequestTarget) -> Bool {
        a.path == b.path && a.query.elementsEqual(b.query) { $0.name == $1.name && $0.value == $1.value }
    }

    static func percentDecode(_ text: Substring, plusIsSpace: Bool) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
