/// The storage side of the engine. A TSDB implements `Queryable`; the engine opens one
/// `Querier` per query over the time span it needs and selects series by matchers.
/// Samples are pulled through iterators so a disk store can stream chunk by chunk.
public protocol Queryable: Sendable {
    /// A reader over `[mint, maxt]` (milliseconds, both inclusive).
    func querier(mint: Int64, maxt: Int64) throws -> any Querier
}

public protocol Querier {
    /// Series whose labels satisfy every matcher (a missing label counts as ""), sorted
    /// by labels (`Labels.<`). `hints` say what the engine will read; stores may ignore them.
    func select(_ matchers: [LabelMatcher], hints: SelectHints) throws -> any SeriesSet
    /// Sorted label names of the series matching `matchers` (all series when empty).
    func labelNames(matching matchers: [LabelMatcher]) throws -> [String]
    /// Sorted values of `name` over the series matching `matchers`.
    func labelValues(_ name: String, matching matchers: [LabelMatcher]) throws -> [String]
    /// Releases resources (open blocks, read locks); called once the query is done.
    func close()
}

/// What the engine will do with a selection, so a store can prune what it reads.
public struct SelectHints: Sendable {
    /// Milliseconds; the store needs no samples outside `[start, end]`.
    public var start: Int64
    public var end: Int64
    /// The longest range of the range selectors reading this selection (0: instant only).
    public var range: Int64

    public init(start: Int64, end: Int64, range: Int64 = 0) {
        self.start = start
        self.end = end
        self.range = range
    }
}

/// A forward-only sequence of series; `nil` from `next()` ends it.
public protocol SeriesSet {
    mutating func next() throws -> (any StoredSeries)?
}

public protocol StoredSeries {
    var labels: Labels { get }
    /// A fresh iterator over the series' samples, in increasing time order.
    func makeSampleIterator() -> any SampleIterator
}

/// Sample cursor of one series. Stale markers (`StaleMarker.value`) are returned as samples.
public protocol SampleIterator {
    /// Moves to the next sample; false when there is none.
    mutating func next() throws -> Bool
    /// Moves to the first sample at or after `timestamp` (never backwards); false when none.
    mutating func seek(to timestamp: Int64) throws -> Bool
    /// The sample under the cursor, valid after `next` or `seek` returned true.
    var current: Point { get }
}
