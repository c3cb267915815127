import Foundation

/// A throwaway certificate authority with a server certificate (for 127.0.0.1 and localhost)
/// and a client certificate signed by it, and a second, unrelated authority's client
/// certificate: made with the `openssl` command for tests of TLS.
public struct TestCertificates: Sendable {
    public let folder: String
    public var ca: String { folder + "/ca.pem" }
    public var serverCertificate: String { folder + "/server.pem" }
    public var serverKey: String { folder + "/server.key" }
    public var clientCertificate: String { folder + "/client.pem" }
    public var clientKey: String { folder + "/client.key" }
    /// The second, unrelated authority (which signed the stranger's certificate).
    public var otherAuthority: String { folder + "/otherca.pem" }
    /// A client certificate that the authority did not sign.
    public var strangerCertificate: String { folder + "/stranger.pem" }
    public var strangerKey: String { folder + "/stranger.key" }

    public static func make(in folder: String) throws -> TestCertificates {
        func openssl(_ arguments: [String]) throws {
            let run = try ExternalTool.run("openssl", arguments)
            guard run.status == 0 else { throw OpenSSLFailure(description: "openssl \(arguments.joined(separator: " ")): \(run.stderr)") }
        }
        let extensions = folder + "/server.ext"
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n".write(toFile: extensions, atomically: true, encoding: .utf8)
        let clientExtensions = folder + "/client.ext"
        try "extendedKeyUsage=clientAuth\n".write(toFile: clientExtensions, atomically: true, encoding: .utf8)
        for (name, subject) in [("ca", "/CN=ShardTrain test CA"), ("otherca", "/CN=Another CA")] {
            try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                         "-subj", subject, "-keyout", "\(folder)/\(name).key", "-out", "\(folder)/\(name).pem"])
        }
        for (name, authority, ext) in [("server", "ca", extensions), ("client", "ca", clientExtensions),
                                       ("stranger", "otherca", clientExtensions)] {
            try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=\(name)",
                         "-keyout", "\(folder)/\(name).key", "-out", "\(folder)/\(name).csr"])
            try openssl(["x509", "-req", "-in", "\(folder)/\(name).csr", "-CA", "\(folder)/\(authority).pem",
                         "-CAkey", "\(folder)/\(authority).key", "-CAcreateserial", "-days", "2", "-extfile", ext,
                         "-out", "\(folder)/\(name).pem"])
        }
        return TestCertificates(folder: folder)
    }
}

/// An `openssl` command that failed, with what it printed.
public struct OpenSSLFailure: Error, CustomStringConvertible {
    public let description: String
}
