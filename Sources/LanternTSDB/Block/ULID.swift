/// Block directory names: ULIDs (48-bit millisecond time, 80 random bits, Crockford
/// base32), as Prometheus names blocks, so they sort by creation time.
enum ULID {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    static func make(milliseconds: UInt64) -> String {
        var generator = SystemRandomNumberGenerator()
        let high = milliseconds << 16 | UInt64(generator.next() as UInt16)
        let low = generator.next() as UInt64
        // 128 bits as 26 five-bit groups: the first group holds only the top 3 bits.
        var characters: [UInt8] = []
        for group in 0..<26 {
            let shift = 125 - group * 5
            let bits: UInt64
            if shift >= 64 {
                bits = high >> UInt64(shift - 64)
            } else if shift > 59 {
                bits = high << UInt64(64 - shift) | low >> UInt64(shift)
            } else {
                bits = low >> UInt64(shift)
            }
            characters.append(alphabet[Int(bits & 31)])
        }
        return String(decoding: characters, as: UTF8.self)
    }

    static func isValid(_ name: String) -> Bool {
        name.utf8.count == 26 && name.utf8.allSatisfy { alphabet.contains($0) }
    }
}
