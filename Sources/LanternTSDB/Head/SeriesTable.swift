import LanternPromQL

/// The head's series, found by reference or by label set, in compact storage.
///
/// The series live inline in one dense array of slots, their label sets in a
/// `LabelSetStore` (interned symbols, a few bytes per series). References are handed out in
/// sequence, so a reference finds its slot through an array of slot numbers indexed by
/// `reference - firstReference` (4 bytes per reference), and a label set through an
/// open-addressing table of slot numbers (4 bytes per bucket) that compares against
/// the slots' own labels. A `[UInt64: MemorySeries]` plus a `[Labels: UInt64]` kept
/// the ~128-byte series and a copy of the key inline in buckets at a load factor of
/// 0.4-0.75: ~420 bytes per series, plus ~300 for the label set, against ~140 here.
///
/// Slots freed by truncation are reused; references never are: a caller holding the
/// reference of a removed series must find nothing, as in Prometheus.
struct SeriesTable: Sendable {
    private var slots: [MemorySeries] = []
    private var labelSets = LabelSetStore()
    private var vacantSlots: [Int32] = []
    /// Slot of reference `firstReference + i`, or `absent`.
    private var slotByOffset: [Int32] = []
    private var firstReference: UInt64 = 1
    /// Slot numbers by the hash of their labels, linear probing; a power of two long.
    private var labelBuckets: [Int32] = []
    private(set) var count = 0

    private static let absent: Int32 = -1

    subscript(reference: UInt64) -> MemorySeries? {
        guard let slot = slot(of: reference) else { return nil }
        return slots[Int(slot)]
    }

    /// The label set of the series `reference`, built from its symbols.
    func labels(of reference: UInt64) -> Labels? {
        guard let slot = slot(of: reference) else { return nil }
        return labelSets.labels(at: slots[Int(slot)].labelSetOffset)
    }

    /// The value of label `name` of the series `reference`, nil when it has none.
    func value(of name: String, reference: UInt64) -> String? {
        guard let slot = slot(of: reference) else { return nil }
        return labelSets.value(at: slots[Int(slot)].labelSetOffset, of: name)
    }

    /// Every label set, for a block write to read outside the lock (copy-on-write).
    var labelSetStore: LabelSetStore { labelSets }

    func reference(of labels: Labels) -> UInt64? {
        guard let position = bucketPosition(of: labels) else { return nil }
        return slots[Int(labelBuckets[position])].reference
    }

    /// References of every series, ascending.
    var keys: [UInt64] {
        var references: [UInt64] = []
        references.reserveCapacity(count)
        for (offset, slot) in slotByOffset.enumerated() where slot != Self.absent {
            references.append(firstReference + UInt64(offset))
        }
        return references
    }

    /// Every series, by ascending reference.
    var values: some Sequence<MemorySeries> {
        slotByOffset.lazy.filter { $0 != Self.absent }.map { slots[Int($0)] }
    }

    /// Adds a series whose reference and labels are both new to the table.
    mutating func insert(reference: UInt64, labels: Labels) {
        let series = MemorySeries(reference: reference, labelSetOffset: labelSets.store(labels), labelsHash: Self.hash(labels))
        let slot: Int32
        if let reused = vacantSlots.popLast() {
            slot = reused
            slots[Int(slot)] = series
        } else {
            // Grown by a quarter, not doubled: ~128 bytes a slot, up to half of them unused.
            if slots.count == slots.capacity { slots.reserveCapacity(slots.count + slots.count / 4 + 64) }
            slot = Int32(slots.count)
            slots.append(series)
        }
        count += 1
        growLabelBucketsIfNeeded()
        placeReference(series.reference, slot: slot)
        var position = homePosition(series.labelsHash)
        while labelBuckets[position] != Self.absent { position = (position + 1) & (labelBuckets.count - 1) }
        labelBuckets[position] = slot
    }

    /// Runs `body` on the series in place (no copy of its chunks); nil when absent.
    mutating func update<Result>(_ reference: UInt64, _ body: (inout MemorySeries) -> Result) -> Result? {
        guard let slot = slot(of: reference) else { return nil }
        return body(&slots[Int(slot)])
    }

    /// Runs `body` on every series in place; those it returns true for are removed.
    mutating func removeAll(where body: (inout MemorySeries) -> Bool) {
        for offset in slotByOffset.indices where slotByOffset[offset] != Self.absent {
            let slot = slotByOffset[offset]
            guard body(&slots[Int(slot)]) else { continue }
            removeFromLabelBuckets(slot)
            labelSets.release(at: slots[Int(slot)].labelSetOffset)
            // The placeholder releases the series' chunks.
            slots[Int(slot)] = MemorySeries(reference: 0, labelSetOffset: 0, labelsHash: 0)
            vacantSlots.append(slot)
            slotByOffset[offset] = Self.absent
            count -= 1
        }
        // Old references go first: drop the leading run of removed ones.
        let leading = slotByOffset.firstIndex { $0 != Self.absent } ?? slotByOffset.count
        slotByOffset.removeFirst(leading)
        firstReference += UInt64(leading)
        if labelSets.wantsCompaction { compactLabelSets() }
    }

    /// Rewrites the label store with the live series' sets only, once removed series hold
    /// more than half of it (truncation removes series in bulk, once per block).
    private mutating func compactLabelSets() {
        let live = slotByOffset.filter { $0 != Self.absent }
        let (store, offsets) = labelSets.compacted(keeping: live.map { slots[Int($0)].labelSetOffset })
        labelSets = store
        for (slot, offset) in zip(live, offsets) { slots[Int(slot)].labelSetOffset = offset }
    }

    private func slot(of reference: UInt64) -> Int32? {
        guard reference >= firstReference, reference - firstReference < UInt64(slotByOffset.count) else { return nil }
        let slot = slotByOffset[Int(reference - firstReference)]
        return slot == Self.absent ? nil : slot
    }

    private mutating func placeReference(_ reference: UInt64, slot: Int32) {
        if count == 1 {
            slotByOffset.removeAll(keepingCapacity: true)
            firstReference = reference
        } else if reference < firstReference {
            // Only WAL replay hands out an older reference than every live one.
            slotByOffset.insert(contentsOf: repeatElement(Self.absent, count: Int(firstReference - reference)), at: 0)
            firstReference = reference
        }
        let offset = Int(reference - firstReference)
        if offset >= slotByOffset.count {
            slotByOffset.append(contentsOf: repeatElement(Self.absent, count: offset + 1 - slotByOffset.count))
        }
        slotByOffset[offset] = slot
    }

    private static func hash(_ labels: Labels) -> UInt32 { UInt32(truncatingIfNeeded: labels.hashValue) }

    private func homePosition(_ hash: UInt32) -> Int { Int(hash) & (labelBuckets.count - 1) }

    private func bucketPosition(of labels: Labels) -> Int? {
        guard !labelBuckets.isEmpty else { return nil }
        let hash = Self.hash(labels)
        var position = homePosition(hash)
        while labelBuckets[position] != Self.absent {
            let slot = Int(labelBuckets[position])
            if slots[slot].labelsHash == hash, labelSets.matches(at: slots[slot].labelSetOffset, labels) { return position }
            position = (position + 1) & (labelBuckets.count - 1)
        }
        return nil
    }

    /// Keeps the load factor at or below 3/4, counting the series being inserted (not yet
    /// placed); doubling places the placed ones again by their slots' stored hashes.
    private mutating func growLabelBucketsIfNeeded() {
        guard count * 4 > labelBuckets.count * 3 else { return }
        var size = max(16, labelBuckets.count)
        while count * 4 > size * 3 { size *= 2 }
        labelBuckets = Array(repeating: Self.absent, count: size)
        for slot in slotByOffset where slot != Self.absent {
            var position = homePosition(slots[Int(slot)].labelsHash)
            while labelBuckets[position] != Self.absent { position = (position + 1) & (size - 1) }
            labelBuckets[position] = slot
        }
    }

    /// Linear-probing deletion by backward shift: later members of the probe run move
    /// into the hole unless that would put them before their home bucket.
    private mutating func removeFromLabelBuckets(_ slot: Int32) {
        let mask = labelBuckets.count - 1
        var hole = homePosition(slots[Int(slot)].labelsHash)
        while labelBuckets[hole] != slot { hole = (hole + 1) & mask }
        var next = hole
        while true {
            next = (next + 1) & mask
            let candidate = labelBuckets[next]
            if candidate == Self.absent { break }
            let home = homePosition(slots[Int(candidate)].labelsHash)
            // Movable when its home is not cyclically within (hole, next].
            let homeWithin = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next)
            if !homeWithin {
                labelBuckets[hole] = candidate
                hole = next
            }
        }
        labelBuckets[hole] = Self.absent
    }
}
