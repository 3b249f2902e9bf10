/// Checks `basic_auth_users` logins. Every miss costs one bcrypt, also for unknown users
/// (checked against a hash of a random password), so response time does not tell which
/// users exist. Blocking: call `verify` off the event loop.
public struct BasicAuthChecker: Sendable {
    /// bcrypt, cost 10 (as exporter-toolkit's decoy), of a random password nobody knows.
    static let decoyHash = "$2b$10$2/X3/Iwv8sAn1tle2AKWO.zMyRYjVhVht57fvDdEN2SAk3nyU/15G"

    let users: [String: String]
    let cache: LoginCache

    init(users: [String: String], cache: LoginCache) {
        self.users = users
        self.cache = cache
    }

    /// The answer when the cache already knows this login; nil means bcrypt must decide.
    func cachedAnswer(_ credentials: BasicCredentials) -> Bool? {
        guard let hash = users[credentials.user] else { return nil }
        return cache.contains(user: credentials.user, hash: hash, password: credentials.password) ? true : nil
    }

    /// Runs bcrypt; blocks for its cost.
    func verify(_ credentials: BasicCredentials) -> Bool {
        let known = users[credentials.user]
        let matches = BcryptHash.matches(password: credentials.password, hash: known ?? Self.decoyHash)
        guard let hash = known, matches else { return false }
        cache.insert(user: credentials.user, hash: hash, password: credentials.password)
        return true
    }
}
