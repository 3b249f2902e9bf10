/// The names exporter-toolkit accepts for cipher suites and curves (Go's `crypto/tls`
/// names), with their IANA code points.
enum TLSNames {
    /// Go's `tls.CipherSuites()`: the suites it considers secure. The TLS 1.3 ones are
    /// accepted but, as in Go, not configurable (TLS 1.3 always offers all three).
    static let cipherSuites: [String: UInt16] = [
        "TLS_AES_128_GCM_SHA256": 0x1301,
        "TLS_AES_256_GCM_SHA384": 0x1302,
        "TLS_CHACHA20_POLY1305_SHA256": 0x1303,
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA": 0xC009,
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA": 0xC00A,
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA": 0xC013,
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA": 0xC014,
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": 0xC02B,
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": 0xC02C,
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": 0xC02F,
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": 0xC030,
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": 0xCCA8,
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": 0xCCA9,
    ]

    static func isTLS13Suite(_ code: UInt16) -> Bool { code >> 8 == 0x13 }

    static let curves: [String: UInt16] = [
        "CurveP256": 0x17,
        "CurveP384": 0x18,
        "CurveP521": 0x19,
        "X25519": 0x1D,
    ]
}
