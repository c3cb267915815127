import Foundation
import Testing
import TestSupport

/// `serve --tls-cert/--tls-key` answers HTTPS that curl verifies against the authority, and with
/// `--tls-ca` only clients holding a certificate the authority signed get in.
@Suite(.serialized) struct CLIServeTLSTests {
    @Test func httpsAndMutualTLS() throws {
        let folder = Fixtures.scratchDirectory("serve-tls")
        let certificates = try TestCertificates.make(in: folder)
        let model = try CLIServeTests.a9aModel(folder)
        let rows = try LIBSVMRows.dense("datasets/a9a.t", features: 123, limit: 2)

        let server = try ServerProcess(["--model", "a9a=" + model, "--tls-cert", certificates.serverCertificate,
                                        "--tls-key", certificates.serverKey])
        defer { server.stop() }
        #expect(server.base.hasPrefix("https://"))
        let trusted = ["--cacert", certificates.ca]
        #expect(try HTTP.send("GET", server.base + "/v2/health/live", curl: trusted).status == 200)
        let infer = try HTTP.send("POST", server.base + "/v2/models/a9a/infer", body: Data(LIBSVMRows.kserve(rows).utf8), curl: trusted)
        #expect(infer.status == 200 && infer.text.contains("\"probabilities\""), "\(infer.text)")
        // Without the authority curl cannot verify the server; plain HTTP gets no answer.
        #expect(try HTTP.send("GET", server.base + "/v2/health/live").status != 200)
        #expect(try HTTP.get("http://127.0.0.1:\(server.port)/v2/health/live").status != 200)
        #expect(try HTTP.send("GET", server.base + "/v2/health/live", curl: trusted).status == 200, "the server survived")

        let mutual = try ServerProcess(["--model", "a9a=" + model, "--tls-cert", certificates.serverCertificate,
                                        "--tls-key", certificates.serverKey, "--tls-ca", certificates.ca])
        defer { mutual.stop() }
        let client = trusted + ["--cert", certificates.clientCertificate, "--key", certificates.clientKey]
        let stranger = trusted + ["--cert", certificates.strangerCertificate, "--key", certificates.strangerKey]
        #expect(try HTTP.send("GET", mutual.base + "/v2/health/live", curl: client).status == 200)
        #expect(try HTTP.send("GET", mutual.base + "/v2/health/live", curl: trusted).status != 200)
        #expect(try HTTP.send("GET", mutual.base + "/v2/health/live", curl: stranger).status != 200)
        #expect(try HTTP.send("GET", mutual.base + "/v2/health/live", curl: client).status == 200)
    }

    @Test func badTLSFilesAreClearErrors() throws {
        let folder = Fixtures.scratchDirectory("serve-tls-bad")
        let model = try CLIServeTests.a9aModel(folder)
        try "not a certificate\n".write(toFile: folder + "/bad.pem", atomically: true, encoding: .utf8)
        let run = try CLI.run(["serve", "--model", "a9a=" + model, "--port", "0", "--tls-cert", folder + "/bad.pem",
                               "--tls-key", folder + "/bad.pem"])
        #expect(run.status != 0 && run.stderr.contains("bad.pem: not a PEM certificate chain (--tls-cert)"), "\(run.stderr)")
        let half = try CLI.run(["serve", "--model", "a9a=" + model, "--tls-cert", folder + "/bad.pem"])
        #expect(half.status != 0 && half.stderr.contains("give --tls-cert and --tls-key together"))
    }
}
