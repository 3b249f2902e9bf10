import NIOSSL

/// Builds swift-nio-ssl's server context from `tls_server_config`, reading the
/// certificate, key and client CA files now (so a broken file is reported at once).
enum TLSContextFactory {
    static func makeContext(_ tls: TLSServerConfig) throws(WebConfigError) -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        let certificatePEM = try read(tls.certFile, key: "cert_file")
        let keyPEM = try read(tls.keyFile, key: "key_file")
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8))
            key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
        } catch {
            throw WebConfigError("failed to load X509KeyPair: \(error)")
        }
        guard !chain.isEmpty else { throw WebConfigError("failed to load X509KeyPair: no certificate in \(tls.certFile)") }

        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = nioVersion(tls.minVersion)
        configuration.maximumTLSVersion = nioVersion(tls.maxVersion)
        // Lantern answers HTTP/1.1 only; saying so lets HTTP/2 clients fall back at once.
        configuration.applicationProtocols = ["http/1.1"]
        let tls12Suites = tls.cipherSuites.filter { !TLSNames.isTLS13Suite($0) }
        if !tls12Suites.isEmpty { configuration.cipherSuiteValues = tls12Suites.map(NIOTLSCipher.init(rawValue:)) }
        if !tls.curvePreferences.isEmpty { configuration.curves = tls.curvePreferences.map(NIOTLSCurve.init(rawValue:)) }

        switch tls.clientAuthType {
        case .noClientCert: configuration.certificateVerification = .none
        // Asking without verifying: the connection's handler accepts whatever comes (ConnectionTLS).
        case .requestClientCert, .verifyClientCertIfGiven: configuration.certificateVerification = .optionalVerification
        case .requireAnyClientCert, .requireAndVerifyClientCert: configuration.certificateVerification = .noHostnameVerification
        }
        if !tls.clientCAFile.isEmpty {
            let pem = try read(tls.clientCAFile, key: "client_ca_file")
            let authorities = (try? NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))) ?? []
            guard !authorities.isEmpty else { throw WebConfigError("no certificates found in client_ca_file (\(tls.clientCAFile))") }
            configuration.trustRoots = .certificates(authorities)
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw WebConfigError("TLS configuration refused: \(error)")
        }
    }

    private static func read(_ path: String, key: String) throws(WebConfigError) -> String {
        do {
            return try readTextFile(path)
        } catch {
            throw WebConfigError("failed to read \(key) (\(path)): \(error.message)")
        }
    }

    private static func nioVersion(_ version: TLSProtocolVersion) -> TLSVersion {
        switch version {
        case .tls10: .tlsv1
        case .tls11: .tlsv11
        case .tls12: .tlsv12
        case .tls13: .tlsv13
        }
    }
}
