import LanternMetrics
import LanternSupport

/// One classic histogram bucket: cumulative count of observations <= upperBound.
struct Bucket {
    var upperBound: Double
    var count: Double
}

extension Evaluator {
    /// Groups `_bucket` series by their labels without `le`, warning about bad `le` values.
    private func bucketGroups(_ elements: [VectorElement]) -> [(labels: Labels, metricName: String, buckets: [Bucket])] {
        var indexByLabels: [Labels: Int] = [:]
        var groups: [(labels: Labels, metricName: String, buckets: [Bucket])] = []
        for element in elements {
            let metricName = element.labels.value(Labels.metricName)
            guard let le = element.labels["le"], let upperBound = parseGoFloat(le) else {
                annotate(.warning("bucket label \"le\" is missing or has a malformed value of \(goQuote(element.labels.value("le"))) for metric name \(goQuote(metricName))"))
                continue
            }
            // The name stays in the key (and is dropped later) so that buckets of two
            // histograms never merge.
            let key = element.labels.removing(["le"])
            if let index = indexByLabels[key] {
                groups[index].buckets.append(Bucket(upperBound: upperBound, count: element.value))
            } else {
                indexByLabels[key] = groups.count
                groups.append((key, metricName, [Bucket(upperBound: upperBound, count: element.value)]))
            }
        }
        return groups
    }

    func histogramQuantile(_ call: Call, at time: Int64) throws(QueryError) -> [VectorElement] {
        let q = try scalar(call.args[0], at: time)
        let elements = try vector(call.args[1], at: time)
        if !(0...1).contains(q) {
            annotate(.warning("quantile value should be between 0 and 1, got \(GoFloat.format(q))"))
        }
        return bucketGroups(elements).map { group in
            let (value, forcedMonotonic) = ClassicHistogram.quantile(q, group.buckets)
            if forcedMonotonic {
                annotate(.info("input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name \(goQuote(group.metricName))"))
            }
            return VectorElement(labels: group.labels, timestamp: time, value: value, dropsName: true)
        }
    }

    func histogramFraction(_ call: Call, at time: Int64) throws(QueryError) -> [VectorElement] {
        let lower = try scalar(call.args[0], at: time)
        let upper = try scalar(call.args[1], at: time)
        let elements = try vector(call.args[2], at: time)
        return bucketGroups(elements).map { group in
            VectorElement(labels: group.labels, timestamp: time, value: ClassicHistogram.fraction(lower, upper, group.buckets), dropsName: true)
        }
    }
}

/// Quantile and fraction estimates over cumulative `le` buckets, interpolating linearly
/// inside a bucket, as Prometheus does.
enum ClassicHistogram {
    /// Sorts, merges equal bounds, smooths float noise and forces monotonic counts.
    /// Nil when there is no +Inf bucket. The flag tells whether monotonicity was forced.
    static func normalized(_ input: [Bucket]) -> ([Bucket], Bool)? {
        var buckets = input.sorted { $0.upperBound < $1.upperBound }
        guard let last = buckets.last, last.upperBound == .infinity else { return nil }
        var merged: [Bucket] = []
        for bucket in buckets {
            if let previous = merged.last, previous.upperBound == bucket.upperBound {
                merged[merged.count - 1].count += bucket.count
            } else {
                merged.append(bucket)
            }
        }
        buckets = merged
        // Counts that differ by a relative 1e-12 are float noise, not decreases.
        var previous = buckets[0].count
        for index in buckets.indices.dropFirst() {
            let current = buckets[index].count
            let delta = abs(current - previous)
            if delta == 0 { continue }
            if delta / current <= 1e-12 { buckets[index].count = previous } else { previous = current }
        }
        var forced = false
        var maximum = buckets[0].count
        for index in buckets.indices.dropFirst() {
            if buckets[index].count > maximum {
                maximum = buckets[index].count
            } else if buckets[index].count < maximum {
                buckets[index].count = maximum
                forced = true
            }
        }
        return (buckets, forced)
    }

    static func quantile(_ q: Double, _ input: [Bucket]) -> (Double, Bool) {
        if q.isNaN { return (.nan, false) }
        if q < 0 { return (-.infinity, false) }
        if q > 1 { return (.infinity, false) }
        guard let (buckets, forced) = normalized(input), buckets.count >= 2 else { return (.nan, false) }
        let observations = buckets[buckets.count - 1].count
        if observations == 0 || observations.isNaN { return (.nan, false) }
        var rank = q * observations
        let index = buckets[..<(buckets.count - 1)].partitionPoint { $0.count < rank }
        if index == buckets.count - 1 { return (buckets[buckets.count - 2].upperBound, forced) }
        if index == 0 && buckets[0].upperBound <= 0 { return (buckets[0].upperBound, forced) }
        var start = 0.0
        var count = buckets[index].count
        if index > 0 {
            start = buckets[index - 1].upperBound
            count -= buckets[index - 1].count
            rank -= buckets[index - 1].count
        }
        return (start + (buckets[index].upperBound - start) * (rank / count), forced)
    }

    /// The share of observations in `(lower, upper]`.
    static func fraction(_ lower: Double, _ upper: Double, _ input: [Bucket]) -> Double {
        guard let (buckets, _) = normalized(input) else { return .nan }
        let observations = buckets[buckets.count - 1].count
        if observations == 0 || lower.isNaN || upper.isNaN { return .nan }
        if lower >= upper { return 0 }
        return (rank(upper, buckets) - rank(lower, buckets)) / observations
    }

    /// Estimated count of observations <= `value`.
    private static func rank(_ value: Double, _ buckets: [Bucket]) -> Double {
        var lowerBound = buckets[0].upperBound > 0 ? 0 : -Double.infinity
        var below = 0.0
        for bucket in buckets {
            if value < bucket.upperBound {
                if value <= lowerBound { return below }
                // No interpolation in infinitely wide buckets: the lowest counts entirely
                // below any value inside it, the +Inf bucket not at all.
                if lowerBound == -.infinity { return bucket.count }
                if bucket.upperBound == .infinity { return below }
                return below + (bucket.count - below) * (value - lowerBound) / (bucket.upperBound - lowerBound)
            }
            lowerBound = bucket.upperBound
            below = bucket.count
        }
        return below
    }
}
