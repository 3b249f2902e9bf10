import NIOConcurrencyHelpers

/// Logins bcrypt already accepted, so a scrape every second does not pay bcrypt's cost
/// each time. Like exporter-toolkit's cache it keys on the user, the configured hash (a
/// changed hash misses) and the password sent; unlike it, only successes are kept, so
/// wrong guesses neither fill nor churn it. At most `capacity` entries: when full, a
/// tenth are evicted at random (random so an attacker cannot aim at one entry).
final class LoginCache: Sendable {
    private struct Key: Hashable {
        let user: String
        let hash: String
        let password: [UInt8]
    }

    static let defaultCapacity = 100
    private let capacity: Int
    private let entries = NIOLockedValueBox<Set<Key>>([])

    init(capacity: Int = LoginCache.defaultCapacity) {
        self.capacity = max(1, capacity)
    }

    func contains(user: String, hash: String, password: [UInt8]) -> Bool {
        entries.withLockedValue { $0.contains(Key(user: user, hash: hash, password: password)) }
    }

    func insert(user: String, hash: String, password: [UInt8]) {
        entries.withLockedValue { entries in
            if entries.count >= capacity {
                for _ in 0...(entries.count / 10) {
                    guard let victim = entries.randomElement() else { break }
                    entries.remove(victim)
                }
            }
            entries.insert(Key(user: user, hash: hash, password: password))
        }
    }

    var count: Int { entries.withLockedValue(\.count) }
}
