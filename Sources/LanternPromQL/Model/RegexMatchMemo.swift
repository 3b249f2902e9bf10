import Synchronization

/// Remembers a regex's answer per distinct label value: selecting series checks the same
/// few values on thousands of series (head and every block), and a regex the shortcut
/// cannot take costs microseconds a match. Bounded: past `limit` values new answers are
/// computed, not stored. Shared by every evaluation of a parsed expression (rules).
final class RegexMatchMemo: Sendable {
    static let limit = 4096

    private let answers = Mutex<[String: Bool]>([:])

    func matches(_ text: String, by regex: AnchoredRegex) -> Bool {
        let known = answers.withLock { answers -> Bool? in
            // Swift's String equality is canonical equivalence, the regex's is not: an
            // answer counts only for the very same bytes.
            guard let index = answers.index(forKey: text), answers[index].key.utf8.elementsEqual(text.utf8) else { return nil }
            return answers[index].value
        }
        if let known { return known }
        let answer = regex.matchesByEngine(text)
        answers.withLock { answers in
            if answers.count < RegexMatchMemo.limit, answers.index(forKey: text) == nil { answers[text] = answer }
        }
        return answer
    }
}
