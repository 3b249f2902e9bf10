import CCrypt

#if canImport(Glibc)
import Glibc
#endif

/// bcrypt through libxcrypt's `crypt_r`: hashing is the system library's, Lantern only
/// checks the hash's shape and compares results in constant time.
enum BcryptHash {
    /// What is wrong with a configured hash, in the words of Go's `bcrypt.Cost` (which
    /// exporter-toolkit calls on start), or nil when it is usable.
    static func problem(_ hash: String) -> String? {
        let bytes = Array(hash.utf8)
        guard bytes.count >= 59 else { return "crypto/bcrypt: hashedSecret too short to be a bcrypted password" }
        guard bytes[0] == UInt8(ascii: "$") else {
            return "crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with '\(Character(Unicode.Scalar(bytes[0])))'"
        }
        guard bytes[1] <= UInt8(ascii: "2") else {
            return "crypto/bcrypt: bcrypt algorithm version '\(Character(Unicode.Scalar(bytes[1])))' requested is newer than current version '2'"
        }
        // libxcrypt knows $2a$, $2b$, $2x$, $2y$; Go accepts any minor letter, which
        // libxcrypt would then refuse on every login: better to say so at start.
        guard bytes[1] == UInt8(ascii: "2"), [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "x"), UInt8(ascii: "y")].contains(bytes[2]),
              bytes[3] == UInt8(ascii: "$") else {
            return "unsupported bcrypt variant \(String(decoding: bytes.prefix(4), as: UTF8.self)) (want $2a$, $2b$ or $2y$)"
        }
        let costText = String(decoding: bytes[4..<6], as: UTF8.self)
        guard let cost = Int(costText), bytes[6] == UInt8(ascii: "$") else {
            return "strconv.Atoi: parsing \"\(costText)\": invalid syntax"
        }
        guard (4...31).contains(cost) else { return "crypto/bcrypt: cost \(cost) is outside allowed range (4,31)" }
        guard bytes.count == 60, bytes[7...].allSatisfy(isBcryptBase64) else {
            return "crypto/bcrypt: hashedSecret is not 53 characters of bcrypt's base64 after the cost"
        }
        return nil
    }

    private static func isBcryptBase64(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "/"): true
        default: false
        }
    }

    /// Whether `password` hashes to `hash`. Takes bcrypt's full cost whatever the answer;
    /// the final comparison does not stop at the first differing byte.
    static func matches(password: [UInt8], hash: String) -> Bool {
        // A C string ends at NUL: "secret\0anything" must not pass as "secret".
        if password.contains(0) { return false }
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer { data.deallocate() }
        // crypt_r requires the `initialized` field zeroed before first use.
        UnsafeMutableRawPointer(data).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<crypt_data>.size)
        let computed: [UInt8]? = (password + [0]).withUnsafeBufferPointer { phrase in
            phrase.withMemoryRebound(to: CChar.self) { phrase in
                guard let output = crypt_r(phrase.baseAddress, hash, data) else { return nil }
                return Array(String(cString: output).utf8)
            }
        }
        guard let computed, computed.first != UInt8(ascii: "*") else { return false }
        return constantTimeEqual(computed, Array(hash.utf8))
    }

    /// Compares every byte of the longer input, so the time depends only on the lengths.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        if a.count != b.count { difference |= 1 }
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
