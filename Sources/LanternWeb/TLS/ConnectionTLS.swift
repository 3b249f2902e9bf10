import NIOCore
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

/// The TLS handler for one new connection, with the client-certificate policy of
/// `client_auth_type` and `client_allowed_sans` that BoringSSL's modes alone do not express.
enum ConnectionTLS {
    static func makeHandler(context: NIOSSLContext, config: TLSServerConfig) -> NIOSSLServerHandler {
        let allowed = config.clientAllowedSANs
        switch config.clientAuthType {
        case .requestClientCert, .requireAnyClientCert:
            // Go's RequestClientCert / RequireAnyClientCert take any certificate unverified.
            return NIOSSLServerHandler(context: context, customVerificationCallback: { certificates, promise in
                guard let allowed else { return promise.succeed(.certificateVerified) }
                let leafAllowed = certificates.first.map { hasAllowedSAN($0, allowed) } ?? false
                promise.succeed(leafAllowed ? .certificateVerified : .failed)
            })
        case .requireAndVerifyClientCert where allowed != nil:
            return NIOSSLServerHandler._makeSSLServerHandler(context: context) { leaf, channel in
                hasAllowedSAN(leaf, allowed ?? [])
                    ? channel.eventLoop.makeSucceededVoidFuture()
                    : channel.eventLoop.makeFailedFuture(SANRejected(allowed: allowed ?? []))
            }
        default:
            return NIOSSLServerHandler(context: context)
        }
    }

    struct SANRejected: Error, CustomStringConvertible {
        let allowed: [String]
        var description: String { "could not find allowed SANs in client cert, found: \(allowed)" }
    }

    /// exporter-toolkit compares DNS names, e-mail addresses, IP addresses and URIs exactly.
    static func hasAllowedSAN(_ certificate: NIOSSLCertificate, _ allowed: [String]) -> Bool {
        certificate._subjectAlternativeNames().contains { name in
            allowed.contains(text(of: name))
        }
    }

    private static func text(of name: _SubjectAlternativeName) -> String {
        let bytes = Array(name.contents)
        guard name.nameType == .ipAddress else { return String(decoding: bytes, as: UTF8.self) }
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        var output = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard bytes.count == 4 || bytes.count == 16,
              inet_ntop(family, bytes, &output, socklen_t(output.count)) != nil else { return "" }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
