import NIOCore
import NIOTLS
import NIOSSL
import Synchronization

/// A `tls_config` block of prometheus.yml as the client side of a connection uses it.
public struct TLSClientSettings: Sendable, Hashable {
    public enum Version: String, Sendable, Hashable, CaseIterable {
        case tls10 = "TLS10", tls11 = "TLS11", tls12 = "TLS12", tls13 = "TLS13"
    }

    public var caFile = ""
    public var certFile = ""
    public var keyFile = ""
    /// Name sent in SNI and checked against the certificate; empty: the target's host.
    public var serverName = ""
    public var insecureSkipVerify = false
    /// Prometheus' default minimum is TLS 1.2.
    public var minVersion: Version = .tls12
    public var maxVersion: Version?

    public init() {}
}

/// The TLS context of one scrape pool (or remote-write queue), built from its files at the
/// first connection and kept: reading the CA and key files on every scrape would cost a
/// parse per round. A context that cannot be built fails each request with the reason.
public final class ClientTLS: Sendable {
    public let settings: TLSClientSettings
    private let built = Mutex<NIOSSLContext?>(nil)

    public init(settings: TLSClientSettings) { self.settings = settings }

    func context() throws -> NIOSSLContext {
        if let context = built.withLock({ $0 }) { return context }
        let context = try Self.makeContext(settings)
        built.withLock { $0 = context }
        return context
    }

    /// The SNI name: `server_name`, else the host unless it is an IP address (SNI cannot
    /// carry one; swift-nio-ssl then checks the certificate's IP SANs against the peer).
    func serverHostname(for host: String) -> String? {
        if !settings.serverName.isEmpty { return settings.serverName }
        return (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }

    /// BoringSSL's reason (`CERTIFICATE_VERIFY_FAILED`, `TLSV1_ALERT_CERTIFICATE_REQUIRED`)
    /// without the source-file location swift-nio-ssl appends.
    static func reason(_ error: any Error) -> String {
        let text = "\(error)"
        let reasons = text.split(separator: ":").compactMap { part -> String? in
            let token = part.prefix { $0.isUppercase || $0.isNumber || $0 == "_" }
            let followedBy = part.dropFirst(token.count).first
            return token.count > 3 && token.contains("_") && (followedBy == nil || followedBy == " ") ? String(token) : nil
        }
        return reasons.isEmpty ? text : reasons.joined(separator: ", ")
    }

    private static func makeContext(_ settings: TLSClientSettings) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = nioVersion(settings.minVersion)
        if let maximum = settings.maxVersion { configuration.maximumTLSVersion = nioVersion(maximum) }
        configuration.applicationProtocols = ["http/1.1"]
        if settings.insecureSkipVerify { configuration.certificateVerification = .none }
        if !settings.caFile.isEmpty {
            let authorities: [NIOSSLCertificate]
            do {
                authorities = try NIOSSLCertificate.fromPEMFile(settings.caFile)
            } catch {
                throw ScrapeHTTPError(description: "unable to load specified CA cert \(settings.caFile): \(error)")
            }
            guard !authorities.isEmpty else { throw ScrapeHTTPError(description: "unable to use specified CA cert \(settings.caFile)") }
            configuration.trustRoots = .certificates(authorities)
        }
        if !settings.certFile.isEmpty {
            do {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(settings.certFile).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: settings.keyFile, format: .pem))
            } catch {
                throw ScrapeHTTPError(description: "unable to use specified client cert (\(settings.certFile)) & key (\(settings.keyFile)): \(error)")
            }
        }
        return try NIOSSLContext(configuration: configuration)
    }

    private static func nioVersion(_ version: TLSClientSettings.Version) -> TLSVersion {
        switch version {
        case .tls10: .tlsv1
        case .tls11: .tlsv11
        case .tls12: .tlsv12
        case .tls13: .tlsv13
        }
    }
}

/// With `server_name` set, Go checks the certificate against that name alone, while
/// swift-nio-ssl also accepts one whose IP SAN matches the peer's address. Once the
/// handshake is done, this refuses a certificate none of whose DNS names match.
final class ServerNameVerifier: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let serverName: String

    init(serverName: String) { self.serverName = serverName.lowercased() }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            let certificate = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self).peerCertificate
            let names = certificate?._subjectAlternativeNames().filter { $0.nameType == .dnsName }
                .map { String(decoding: $0.contents, as: UTF8.self).lowercased() } ?? []
            guard names.contains(where: matches) else {
                context.fireErrorCaught(ScrapeHTTPError(
                    description: "TLS certificate is valid for \(names.joined(separator: ", ")), not \(serverName) (server_name)"))
                return
            }
            context.pipeline.syncOperations.removeHandler(self, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Exact, or a `*.` wildcard standing for the first label only.
    private func matches(_ name: String) -> Bool {
        guard name.hasPrefix("*.") else { return name == serverName }
        guard let dot = serverName.firstIndex(of: ".") else { return false }
        return serverName[dot...] == name.dropFirst()
    }
}
