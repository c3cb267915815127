import Foundation
import Testing
import TestSupport

/// `train --listen` and `worker --connect` with `--tls-cert/--tls-key/--tls-ca`: mutual
/// certificate TLS under the shared secret, the same model as local workers, strangers refused.
@Suite(.serialized) struct CLITCPTLSTests {
    @Test func workersTrainOverMutualTLSAndAStrangerIsRefused() throws {
        let folder = Fixtures.scratchDirectory("tcp-tls")
        let c = try TestCertificates.make(in: folder)
        let secret = folder + "/secret"
        try "a-secret-for-the-tls-run-here\n".write(toFile: secret, atomically: true, encoding: .utf8)
        let serverTLS = ["--tls-cert", c.serverCertificate, "--tls-key", c.serverKey, "--tls-ca", c.ca]
        let workerTLS = ["--tls-cert", c.clientCertificate, "--tls-key", c.clientKey, "--tls-ca", c.ca]
        let (coordinator, out, err, port) = try CLIRemoteWorkersTests.startCoordinator(secret: secret, output: folder + "/m",
                                                                                       extra: serverTLS)
        defer { if coordinator.isRunning { coordinator.terminate() } }
        #expect(err.seen.contains("(TLS)"), "\(err.seen)")
        func worker(_ host: String, _ tls: [String]) throws -> ExternalTool.Output {
            try CLI.run(["worker", "--connect", "\(host):\(port)", "--secret-file", secret, "--data", "datasets/a9a",
                         "--features", "123"] + tls)
        }
        // The secret alone does not get in, nor does a certificate another authority signed.
        let stranger = try worker("127.0.0.1", ["--tls-cert", c.strangerCertificate, "--tls-key", c.strangerKey, "--tls-ca", c.ca])
        #expect(stranger.status != 0 && stranger.stderr.contains("TLS handshake failed"), "\(stranger.stderr)")
        // A worker that trusts another authority refuses the server.
        let wary = try worker("127.0.0.1", ["--tls-cert", c.clientCertificate, "--tls-key", c.clientKey, "--tls-ca", c.otherAuthority])
        #expect(wary.status != 0 && wary.stderr.contains("not signed by the trusted authority"), "\(wary.stderr)")
        // Two workers, one dialling the address and one the name the certificate holds.
        let first = try CLIRemoteWorkersTests.startWorker(port: port, secret: secret, ["--data", "datasets/a9a", "--features", "123"] + workerTLS)
        let second = try worker("localhost", workerTLS)
        #expect(second.status == 0 && second.stderr.contains("over TLS"), "\(second.stderr)")
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        let (status, result, stderr) = try CLIRemoteWorkersTests.finish(coordinator, out, err)
        #expect(status == 0, "\(stderr)")
        #expect(stderr.contains("not signed by the trusted authority"), "\(stderr)")
        let local = try CLIDistributedTests.train(workers: 2)
        let a = try #require(result["objective"] as? Double), b = try #require(local["objective"] as? Double)
        #expect(abs(a - b) <= 1e-6 * b, "\(a) over TLS vs \(b) over Unix sockets")
    }

    @Test func tlsOptionsAreCheckedBeforeAnythingStarts() throws {
        let folder = Fixtures.scratchDirectory("tcp-tls-options")
        try "nothing PEM about this\n".write(toFile: folder + "/bad.pem", atomically: true, encoding: .utf8)
        let secret = ["SHARDTRAIN_SECRET": "a-secret-long-enough-for-this"]
        let half = try CLI.run(["worker", "--connect", "127.0.0.1:9", "--data", "datasets/a9a", "--tls-cert", folder + "/bad.pem"])
        #expect(half.status != 0 && half.stderr.contains("give --tls-cert, --tls-key and --tls-ca together"), "\(half.stderr)")
        let local = try CLI.run(["train", "--model", "logistic", "--data", "datasets/a9a", "--tls-cert", "a", "--tls-key", "b", "--tls-ca", "c",
                                 "--output", folder + "/m"])
        #expect(local.status != 0 && local.stderr.contains("secure train --listen (TCP)"), "\(local.stderr)")
        let bad = try ExternalTool.run(CLI.executable.path, ["train", "--model", "logistic", "--listen", "127.0.0.1:0", "--expect-workers", "1",
                                                             "--features", "123", "--tls-cert", folder + "/bad.pem",
                                                             "--tls-key", folder + "/bad.pem", "--tls-ca", folder + "/bad.pem",
                                                             "--output", folder + "/m"],
                                       environment: ProcessInfo.processInfo.environment.merging(secret) { $1 })
        #expect(bad.status != 0 && bad.stderr.contains("bad.pem: not a PEM certificate chain") && bad.stderr.contains("(--tls-cert)"),
                "\(bad.stderr)")
    }
}
