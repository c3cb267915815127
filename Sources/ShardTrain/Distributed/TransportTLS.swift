import Foundation
import NIOSSL

/// Certificate TLS for the TCP training channel, mutual: the server proves itself to each
/// worker with a certificate that the worker's authority signed and that names the host the
/// worker dialled (a DNS name, or the IP address it connected to), and every worker proves
/// itself with a client certificate that the server's authority signed. TLS 1.2 or newer.
///
/// TLS wraps the connection from its first byte, below ``Admission``: the shared secret is
/// still checked and the session still sealed, so a stolen certificate alone does not let a
/// process join, and a leaked secret alone does not either. A handshake counts against the
/// server's admission deadline and its limit of pending connections like any other step.
public struct TransportTLS: Sendable {
    let context: NIOSSLContext

    /// The parameter server's side: its own certificate chain and key, and the authority that
    /// must have signed every worker's certificate.
    public static func server(certificateChain: String, privateKey: String, clientAuthority: String) throws(PEMFileError) -> TransportTLS {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try PEMFile.certificates(certificateChain, what: "certificate chain").map { .certificate($0) },
            privateKey: .privateKey(try PEMFile.privateKey(privateKey)))
        configuration.trustRoots = .certificates(try PEMFile.certificates(clientAuthority, what: "certificate authority"))
        // Workers are identified by their authority, not by a name: their addresses vary.
        configuration.certificateVerification = .noHostnameVerification
        return try make(configuration, files: [certificateChain, privateKey, clientAuthority])
    }

    /// A worker's side: its client certificate chain and key, and the authority that must have
    /// signed the server's certificate.
    public static func client(certificateChain: String, privateKey: String, serverAuthority: String) throws(PEMFileError) -> TransportTLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateChain = try PEMFile.certificates(certificateChain, what: "certificate chain").map { .certificate($0) }
        configuration.privateKey = .privateKey(try PEMFile.privateKey(privateKey))
        configuration.trustRoots = .certificates(try PEMFile.certificates(serverAuthority, what: "certificate authority"))
        configuration.certificateVerification = .fullVerification
        return try make(configuration, files: [certificateChain, privateKey, serverAuthority])
    }

    private static func make(_ configuration: TLSConfiguration, files: [String]) throws(PEMFileError) -> TransportTLS {
        var configuration = configuration
        configuration.minimumTLSVersion = .tlsv12
        do {
            return TransportTLS(context: try NIOSSLContext(configuration: configuration))
        } catch {
            // Most often a key that does not belong to the certificate.
            throw PEMFileError(file: files[1], "does not make a TLS identity with \(files[0]): \(error)")
        }
    }

    /// The handler that starts a server's side of the handshake.
    func serverHandler() throws -> NIOSSLServerHandler { NIOSSLServerHandler(context: context) }

    /// The handler that starts a worker's side; the server's certificate must name `host`.
    func clientHandler(host: String) throws -> NIOSSLClientHandler {
        // An address is checked against the certificate's IP entries (and may not be sent as
        // a server name); a name is sent and checked against its DNS entries.
        try NIOSSLClientHandler(context: context, serverHostname: Self.isAddress(host) ? nil : host)
    }

    static func isAddress(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// A failed handshake in words a person can act on, with the library's own reason after.
    static func explain(_ error: any Error) -> String {
        let reason = brief("\(error)")
        let meaning: String
        switch reason {
        case let text where text.contains("CERTIFICATE_VERIFY_FAILED"):
            meaning = "the peer's certificate is not signed by the trusted authority (or has expired)"
        case let text where text.contains("failedToValidateHostname"):
            meaning = "the server's certificate does not name the host that was dialled"
        case let text where text.contains("ALERT_UNKNOWN_CA") || text.contains("ALERT_BAD_CERTIFICATE")
            || text.contains("CERTIFICATE_REQUIRED") || text.contains("ALERT_CERTIFICATE"):
            meaning = "the peer refused this side's certificate"
        case let text where text.contains("WRONG_VERSION_NUMBER") || text.contains("HTTP_REQUEST")
            || text.contains("PACKET_LENGTH_TOO_LONG") || text.contains("UNKNOWN_PROTOCOL"):
            meaning = "the peer does not speak TLS (both sides need the same TLS setting)"
        case let text where text.contains("uncleanShutdown") || text.contains("eof"):
            meaning = "the peer closed the connection during the TLS handshake"
        default:
            return "TLS: \(reason)"
        }
        return "TLS handshake failed: \(meaning) (\(reason))"
    }

    /// BoringSSL's reason code (`CERTIFICATE_VERIFY_FAILED`) instead of its whole error
    /// dump, which carries numbers and source paths.
    static func brief(_ text: String) -> String {
        guard let marker = text.range(of: "OPENSSL_internal:") else { return text }
        return String(text[marker.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" })
    }

    /// Whether an error came from the TLS layer.
    static func isTLSError(_ error: any Error) -> Bool {
        error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError
    }
}

/// A PEM file that cannot be used: missing, unreadable, or not what it should hold.
public struct PEMFileError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let message: String

    public init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}

/// Reads PEM files with an error that names the file and what it should have held.
public enum PEMFile {
    public static func certificates(_ path: String, what: String = "certificate") throws(PEMFileError) -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw PEMFileError(file: path, "not a PEM \(what): \(readable(path) ? "\(error)" : "cannot read the file")")
        }
        guard !certificates.isEmpty else { throw PEMFileError(file: path, "holds no PEM certificate (expected a \(what))") }
        return certificates
    }

    public static func privateKey(_ path: String) throws(PEMFileError) -> NIOSSLPrivateKey {
        do {
            return try NIOSSLPrivateKey(file: path, format: .pem)
        } catch {
            throw PEMFileError(file: path, "not a PEM private key: \(readable(path) ? "\(error)" : "cannot read the file")")
        }
    }

    private static func readable(_ path: String) -> Bool { access(path, R_OK) == 0 }
}
