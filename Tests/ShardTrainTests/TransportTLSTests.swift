import Foundation
import Testing
@testable import ShardTrain
import TestSupport

/// Certificate TLS under the TCP handshake: both sides verify the other's certificate, and a
/// mismatch of any kind (authority, host name, one side without TLS) is refused with a reason.
@Suite(.serialized) struct TransportTLSTests {
    static let secret = AdmissionTests.secret
    static let certificates: TestCertificates = {
        try! TestCertificates.make(in: Fixtures.scratchDirectory("transport-tls"))
    }()

    static func serverTLS(authority: String? = nil) throws -> TransportTLS {
        let c = certificates
        return try TransportTLS.server(certificateChain: c.serverCertificate, privateKey: c.serverKey, clientAuthority: authority ?? c.ca)
    }

    static func clientTLS(stranger: Bool = false, authority: String? = nil) throws -> TransportTLS {
        let c = certificates
        return try TransportTLS.client(certificateChain: stranger ? c.strangerCertificate : c.clientCertificate,
                                       privateKey: stranger ? c.strangerKey : c.clientKey, serverAuthority: authority ?? c.ca)
    }

    static func server(host: String = "127.0.0.1", tls: TransportTLS?, deadline: Duration = .seconds(10)) throws -> (SocketServer, Int, AdmissionTests.Log) {
        let log = AdmissionTests.Log()
        var limits = SocketServer.Limits()
        limits.admissionDeadline = deadline
        let server = try SocketServer.listen(host: host, port: 0, secret: secret, tls: tls, limits: limits) { log.add($0) }
        return (server, try #require(server.port), log)
    }

    static func join(host: String = "127.0.0.1", port: Int, tls: TransportTLS?) -> Result<(Int, Int), TransportError> {
        Result { () throws(TransportError) -> (Int, Int) in
            let endpoint = try SocketEndpoint.connect(host: host, port: port, peer: "coordinator", tls: tls)
            defer { endpoint.close() }
            return try Admission.join(endpoint, secret: secret, timeout: .seconds(10))
        }
    }

    static func failure(_ result: Result<(Int, Int), TransportError>) -> String {
        if case .failure(let error) = result { return error.message }
        return "joined"
    }

    @Test(arguments: ["127.0.0.1", "localhost"])
    func aWorkerJoinsByAddressOrName(host: String) throws {
        let (server, port, _) = try Self.server(tls: try Self.serverTLS())
        defer { server.close() }
        let tls = try Self.clientTLS()
        let worker = Thread.detachedResult { () throws(TransportError) -> Message in
            let endpoint = try SocketEndpoint.connect(host: host, port: port, peer: "coordinator", tls: tls)
            defer { endpoint.close() }
            let (rank, _) = try Admission.join(endpoint, secret: Self.secret)
            try endpoint.send(.hello(rank: rank))
            return try endpoint.receive(timeout: .seconds(10))
        }
        let connection = try server.accept(timeout: .seconds(10))
        // The assignment goes out and the worker's hello comes back, both through TLS.
        try RemoteCluster.assign(connection, rank: 0, workers: 1, timeout: .seconds(10))
        try connection.send(.failure("and back"))
        #expect(try worker.value() == .failure("and back"))
        connection.close()
    }

    @Test func aCertificateFromAnotherAuthorityIsRefused() throws {
        let (server, port, log) = try Self.server(tls: try Self.serverTLS())
        defer { server.close() }
        let result = Self.join(port: port, tls: try Self.clientTLS(stranger: true))
        #expect(Self.failure(result).contains("TLS handshake failed: the peer refused this side's certificate"), "\(Self.failure(result))")
        // With TLS 1.3 the worker may finish its side before the server has checked its
        // certificate: the refusal is logged a moment later.
        let deadline = Date().addingTimeInterval(5)
        while server.refusedConnections == 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(server.refusedConnections == 1)
        #expect(log.text.contains("not signed by the trusted authority"), "\(log.text)")
        #expect(throws: TransportError.self) { try server.accept(timeout: .milliseconds(100)) }
    }

    @Test func aWorkerRefusesAServerItsAuthorityDidNotSign() throws {
        let (server, port, log) = try Self.server(tls: try Self.serverTLS())
        defer { server.close() }
        let result = Self.join(port: port, tls: try Self.clientTLS(authority: Self.certificates.otherAuthority))
        #expect(Self.failure(result).contains("not signed by the trusted authority"), "\(Self.failure(result))")
        let deadline = Date().addingTimeInterval(5)
        while !log.text.contains("refused this side's certificate"), Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(log.text.contains("the peer refused this side's certificate"), "\(log.text)")
    }

    /// The server's certificate names 127.0.0.1 and localhost, not 127.0.0.2.
    @Test func aWorkerRefusesACertificateForAnotherHost() throws {
        let (server, port, _) = try Self.server(host: "0.0.0.0", tls: try Self.serverTLS())
        defer { server.close() }
        let result = Self.join(host: "127.0.0.2", port: port, tls: try Self.clientTLS())
        #expect(Self.failure(result).contains("does not name the host"), "\(Self.failure(result))")
    }

    @Test func oneSideWithoutTLSIsToldSo() throws {
        // A TLS worker meets a plain server: the worker names the mismatch, the server too.
        let (plain, plainPort, plainLog) = try Self.server(tls: nil)
        defer { plain.close() }
        let tlsWorker = Self.join(port: plainPort, tls: try Self.clientTLS())
        #expect(Self.failure(tlsWorker).contains("does not speak TLS"), "\(Self.failure(tlsWorker))")
        // A plain worker meets a TLS server: nothing passes, and the deadline closes it.
        let (secured, securedPort, securedLog) = try Self.server(tls: try Self.serverTLS(), deadline: .seconds(1))
        defer { secured.close() }
        let plainWorker = Self.join(port: securedPort, tls: nil)
        #expect(Self.failure(plainWorker) != "joined")
        #expect(secured.refusedConnections == 1)
        #expect(securedLog.text.contains("did not authenticate within 1 s"), "\(securedLog.text)")
        let deadline = Date().addingTimeInterval(5)
        while !plainLog.text.contains("TLS record"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(plainLog.text.contains("TLS record"), "\(plainLog.text)")
    }

    @Test func unusableFilesNameTheFile() throws {
        let folder = Fixtures.scratchDirectory("transport-tls-files")
        let c = Self.certificates
        try "no certificate here\n".write(toFile: folder + "/bad.pem", atomically: true, encoding: .utf8)
        #expect { try TransportTLS.server(certificateChain: folder + "/bad.pem", privateKey: c.serverKey, clientAuthority: c.ca) }
            throws: { "\($0)".contains("bad.pem: not a PEM certificate chain") }
        #expect { try TransportTLS.client(certificateChain: c.clientCertificate, privateKey: folder + "/missing.key", serverAuthority: c.ca) }
            throws: { "\($0)".contains("missing.key: not a PEM private key: cannot read the file") }
        // The key of another certificate.
        #expect { try TransportTLS.server(certificateChain: c.serverCertificate, privateKey: c.clientKey, clientAuthority: c.ca) }
            throws: { "\($0)".contains("does not make a TLS identity with") }
    }
}
