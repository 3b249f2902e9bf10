import Foundation
import LanternFlags
import LanternPromQL

/// Prometheus' `parseTime`, `parseDuration` and `match[]` parsing for API parameters.
enum APIParameters {
    /// Prometheus' minimum and maximum query times (`MinTime`/`MaxTime` of the API).
    static let minTime: Int64 = -9_223_309_901_257_974
    static let maxTime: Int64 = 9_223_309_901_257_974

    /// Unix seconds (fractions allowed) or RFC 3339; milliseconds.
    static func time(_ request: APIRequest, _ name: String, default defaultValue: Int64) throws(ParameterError) -> Int64 {
        guard let text = request.first(name), !text.isEmpty else { return defaultValue }
        if let seconds = Double(text), seconds.isFinite {
            return Int64((seconds * 1000).rounded())
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        if let date = formatter.date(from: text) ?? plain.date(from: text) {
            return Int64((date.timeIntervalSince1970 * 1000).rounded())
        }
        throw ParameterError(message: "invalid parameter \"\(name)\": cannot parse \"\(text)\" to a valid timestamp")
    }

    /// Seconds (fractions allowed) or a Prometheus duration (`15s`, `1m`); milliseconds.
    static func duration(_ request: APIRequest, _ name: String) throws(ParameterError) -> Int64? {
        guard let text = request.first(name), !text.isEmpty else { return nil }
        if let seconds = Double(text), seconds.isFinite {
            return Int64((seconds * 1000).rounded())
        }
        if let milliseconds = try? parseModelDuration(text) { return milliseconds }
        throw ParameterError(message: "invalid parameter \"\(name)\": cannot parse \"\(text)\" to a valid duration")
    }

    /// The `match[]` selectors; each must select something (not only empty matchers).
    static func matcherSets(_ request: APIRequest) throws(ParameterError) -> [[LabelMatcher]] {
        var sets: [[LabelMatcher]] = []
        for selector in request.parameters["match[]"] ?? [] {
            do {
                let matchers = try Parser.parseMatchers(selector)
                guard matchers.contains(where: { !$0.matchesEmpty }) else {
                    throw ParameterError(message: "match[] must contain at least one non-empty matcher")
                }
                sets.append(matchers)
            } catch let error as ParameterError {
                throw error
            } catch {
                throw ParameterError(message: "invalid parameter \"match[]\": \(error)")
            }
        }
        return sets
    }
}
