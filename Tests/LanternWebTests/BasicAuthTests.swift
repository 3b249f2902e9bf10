@testable import LanternWeb
import Testing

@Suite("basic auth")
struct BasicAuthTests {
    /// bcrypt (cost 4, to keep tests fast) of "s3cret".
    static let hash = "$2b$04$DiKTKzHsW9BabfsAgnAJc.xY27Ts/D98KoET3R0hAts8maoykQpLm"

    private func credentials(_ user: String, _ password: String) -> BasicCredentials {
        BasicCredentials(authorization: "Basic " + base64("\(user):\(password)"))!
    }

    @Test func libxcryptVerifiesAllThreeBcryptPrefixes() {
        for prefix in ["$2a$", "$2b$", "$2y$"] {
            let variant = prefix + Self.hash.dropFirst(4)
            #expect(BcryptHash.problem(variant) == nil)
            #expect(BcryptHash.matches(password: Array("s3cret".utf8), hash: variant))
            #expect(!BcryptHash.matches(password: Array("s3creT".utf8), hash: variant))
        }
    }

    @Test func aPasswordWithANulByteIsNotItsPrefix() {
        #expect(!BcryptHash.matches(password: Array("s3cret".utf8) + [0, 65], hash: Self.hash))
    }

    @Test func constantTimeEqualityStillCompares() {
        #expect(BcryptHash.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!BcryptHash.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!BcryptHash.constantTimeEqual([1, 2, 3], [1, 2, 3, 0]))
        #expect(!BcryptHash.constantTimeEqual([], [0]))
    }

    @Test func authorizationHeaderParsing() {
        #expect(BasicCredentials(authorization: "Basic " + base64("alice:pa:ss")) == BasicCredentials(user: "alice", password: Array("pa:ss".utf8)))
        #expect(BasicCredentials(authorization: "bAsIc " + base64("a:")) == BasicCredentials(user: "a", password: []))
        #expect(BasicCredentials(authorization: "Basic " + base64("nocolon")) == nil)
        #expect(BasicCredentials(authorization: "Bearer " + base64("a:b")) == nil)
        #expect(BasicCredentials(authorization: "Basic !!!!") == nil)
        #expect(BasicCredentials(authorization: "Basic YQ=a") == nil)
    }

    @Test func knownUnknownAndWrongPasswords() {
        let checker = BasicAuthChecker(users: ["alice": Self.hash], cache: LoginCache())
        #expect(checker.verify(credentials("alice", "s3cret")))
        #expect(!checker.verify(credentials("alice", "wrong")))
        #expect(!checker.verify(credentials("mallory", "s3cret")))
    }

    @Test func onlySuccessesAreCachedAndAChangedHashMisses() {
        let cache = LoginCache()
        let checker = BasicAuthChecker(users: ["alice": Self.hash], cache: cache)
        #expect(checker.cachedAnswer(credentials("alice", "s3cret")) == nil)
        _ = checker.verify(credentials("alice", "wrong"))
        #expect(cache.count == 0)
        _ = checker.verify(credentials("alice", "s3cret"))
        #expect(checker.cachedAnswer(credentials("alice", "s3cret")) == true)
        #expect(checker.cachedAnswer(credentials("alice", "wrong")) == nil)
        let rotated = BasicAuthChecker(users: ["alice": "$2y$" + Self.hash.dropFirst(4)], cache: cache)
        #expect(rotated.cachedAnswer(credentials("alice", "s3cret")) == nil)
    }

    @Test func theCacheStaysBounded() {
        let cache = LoginCache(capacity: 100)
        for index in 0..<1000 { cache.insert(user: "u\(index)", hash: Self.hash, password: [1]) }
        #expect(cache.count <= 100)
        #expect(cache.contains(user: "u999", hash: Self.hash, password: [1]))
    }
}

/// Base64 for test inputs (Foundation-free, as the module under test).
func base64(_ text: String) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    let bytes = Array(text.utf8)
    var output = ""
    var index = 0
    while index < bytes.count {
        let chunk = bytes[index..<min(index + 3, bytes.count)]
        var value = 0
        for (offset, byte) in chunk.enumerated() { value |= Int(byte) << (16 - 8 * offset) }
        for position in 0..<4 {
            output.append(position <= chunk.count ? alphabet[(value >> (18 - 6 * position)) & 63] : "=")
        }
        index += 3
    }
    return output
}
