import ArgumentParser
import ShardTrain

/// `--tls-cert`, `--tls-key`, `--tls-ca`: certificate TLS on the TCP training channel, mutual.
/// Shared by `train --listen` (the server's certificate; the authority of the workers') and
/// `worker --connect` (the worker's certificate; the authority of the server's).
struct TransportTLSOptions: ParsableArguments {
    @Option(help: "TCP training over TLS: this side's PEM certificate chain (with --tls-key and --tls-ca).")
    var tlsCert: String?

    @Option(help: "The PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(help: "The PEM certificate authority that must have signed the other side's certificate.")
    var tlsCa: String?

    var enabled: Bool { tlsCert != nil || tlsKey != nil || tlsCa != nil }

    /// All three or none; only on a TCP channel.
    func check(tcp: Bool, channel: String) throws {
        guard enabled else { return }
        guard tlsCert != nil, tlsKey != nil, tlsCa != nil else {
            throw ValidationError("TLS on the training channel is mutual: give --tls-cert, --tls-key and --tls-ca together")
        }
        guard tcp else { throw ValidationError("--tls-cert, --tls-key and --tls-ca secure \(channel) (TCP)") }
    }

    /// The server's side (`train --listen`), or nil without TLS.
    func server() throws -> TransportTLS? {
        guard let tlsCert, let tlsKey, let tlsCa else { return nil }
        return try loaded { () throws(PEMFileError) in
            try TransportTLS.server(certificateChain: tlsCert, privateKey: tlsKey, clientAuthority: tlsCa)
        }
    }

    /// A worker's side (`worker --connect`), or nil without TLS.
    func client() throws -> TransportTLS? {
        guard let tlsCert, let tlsKey, let tlsCa else { return nil }
        return try loaded { () throws(PEMFileError) in
            try TransportTLS.client(certificateChain: tlsCert, privateKey: tlsKey, serverAuthority: tlsCa)
        }
    }

    private func loaded(_ make: () throws(PEMFileError) -> TransportTLS) throws -> TransportTLS {
        do {
            return try make()
        } catch {
            let option = error.file == tlsCert ? "--tls-cert" : error.file == tlsKey ? "--tls-key" : "--tls-ca"
            throw CLIError("\(error.description) (\(option))")
        }
    }
}
