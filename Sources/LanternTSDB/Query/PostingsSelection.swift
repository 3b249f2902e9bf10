import LanternPromQL

/// Where series ids for label pairs come from: the head's in-memory postings or a
/// block index.
protocol PostingsSource {
    associatedtype SeriesID: Comparable & Hashable
    func allSeriesIDs() throws -> [SeriesID]
    func seriesIDs(_ name: String, _ value: String) throws -> [SeriesID]
    func seriesIDs(_ name: String, where accepts: (String) -> Bool) throws -> [SeriesID]
}

extension PostingsSource {
    /// Sorted candidate ids for `matchers`: the intersection of the postings of every
    /// matcher that rejects the empty value (only those can be answered from postings,
    /// since a series without the label also matches the others). Callers still check
    /// each candidate's labels against all matchers.
    func candidateIDs(_ matchers: [LabelMatcher]) throws -> [SeriesID] {
        var result: [SeriesID]?
        for matcher in matchers where !matcher.matchesEmpty {
            let ids = matcher.kind == .equal
                ? try seriesIDs(matcher.name, matcher.value)
                : try seriesIDs(matcher.name, where: matcher.matches)
            result = result.map { intersectSorted($0, ids) } ?? ids
            if result!.isEmpty { return [] }
        }
        return try result ?? allSeriesIDs()
    }
}

func intersectSorted<T: Comparable>(_ left: [T], _ right: [T]) -> [T] {
    var result: [T] = []
    var leftIndex = 0, rightIndex = 0
    while leftIndex < left.count, rightIndex < right.count {
        if left[leftIndex] < right[rightIndex] {
            leftIndex += 1
        } else if right[rightIndex] < left[leftIndex] {
            rightIndex += 1
        } else {
            result.append(left[leftIndex])
            leftIndex += 1
            rightIndex += 1
        }
    }
    return result
}
