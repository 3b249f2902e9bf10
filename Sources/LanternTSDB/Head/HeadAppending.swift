extension Head {
    /// Whether `reference` names a series the head holds. References are never reused, so
    /// a reference a scrape cache kept is either its series or gone (truncated away).
    func containsSeries(_ reference: SeriesRef) -> Bool { seriesByReference[reference] != nil }
}
