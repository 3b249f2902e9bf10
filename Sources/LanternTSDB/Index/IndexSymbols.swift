import LanternPromQL
import LanternSupport

/// An index's symbol table built from whole label sets (what merging blocks reads): every
/// name and value once, sorted by bytes, "" first, and each set as symbol positions.
struct IndexSymbols {
    let symbols: [String]
    private let positionBySymbol: [String: UInt32]

    init(_ labelSets: some Sequence<Labels>) {
        var distinct: Set<String> = [""]
        for labels in labelSets {
            for label in labels.pairs {
                distinct.insert(label.name)
                distinct.insert(label.value)
            }
        }
        symbols = distinct.sorted { $0.utf8Precedes($1) }
        var positions: [String: UInt32] = [:]
        for (position, symbol) in symbols.enumerated() { positions[symbol] = UInt32(position) }
        positionBySymbol = positions
    }

    func pairs(_ labels: Labels) -> [SymbolPair] {
        labels.pairs.map { (positionBySymbol[$0.name]!, positionBySymbol[$0.value]!) }
    }
}
