import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle
import ShardTrain

/// `shardtrain serve`: the models of a ``ModelRepository`` over HTTP on Hummingbird, with hot
/// reload, metrics and drift monitoring; stops gracefully on SIGTERM or SIGINT (no new
/// connections, requests in flight finish).
public struct ModelServer: Sendable {
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        public var port = 8080
        public var maxBodyBytes = 8 << 20
        public var pollInterval: Duration = .milliseconds(500)
        public var driftWindowRows = 10_000
        public var serverVersion = "0"
        /// The most rows one inference request may score (more: 413).
        public var maxRows = 65_536
        /// Inference requests scored at once (more: 503 with `Retry-After`).
        public var maxInFlight = 64
        /// How long a connection may take to deliver a request's head, and then its body.
        public var headerTimeout: Duration = .seconds(10)
        public var bodyTimeout: Duration = .seconds(30)
        /// The bearer token every route outside ``openRoutes`` needs (nil: no authentication).
        public var authToken: [UInt8]?
        public var openRoutes: Set<OpenRoute> = [.health, .metrics]
        /// HTTPS instead of HTTP (nil: plain HTTP).
        public var tls: TLSFiles?

        public init() {}
    }

    /// PEM files for HTTPS: the server's certificate chain and key, and optionally the
    /// certificate authority that clients' certificates must be signed by (mutual TLS).
    public struct TLSFiles: Sendable {
        public var certificateChain: String
        public var privateKey: String
        public var clientAuthority: String?

        public init(certificateChain: String, privateKey: String, clientAuthority: String? = nil) {
            self.certificateChain = certificateChain
            self.privateKey = privateKey
            self.clientAuthority = clientAuthority
        }

        /// The TLS configuration these files make, or a clear error naming the file.
        func configuration() throws(ServingError) -> TLSConfiguration {
            do throws(PEMFileError) {
                let chain = try PEMFile.certificates(certificateChain, what: "certificate chain (--tls-cert)")
                let key = try PEMFile.privateKey(privateKey)
                var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                                              privateKey: .privateKey(key))
                configuration.minimumTLSVersion = .tlsv12
                if let clientAuthority {
                    configuration.trustRoots = .certificates(try PEMFile.certificates(clientAuthority, what: "certificate (--tls-ca)"))
                    configuration.certificateVerification = .noHostnameVerification
                }
                return configuration
            } catch {
                throw ServingError(.serviceUnavailable, error.description)
            }
        }
    }

    /// Routes that stay open when a token is set.
    public enum OpenRoute: String, Sendable, CaseIterable {
        /// `/v2/health/live` and `/v2/health/ready`.
        case health
        /// `/metrics`.
        case metrics
    }

    public let repository: ModelRepository
    public let configuration: Configuration
    let metrics = ServingMetrics()
    let logger: Logger

    public init(sources: [ModelSource], configuration: Configuration, logger: Logger) {
        repository = ModelRepository(sources: sources, windowRows: configuration.driftWindowRows)
        self.configuration = configuration
        self.logger = logger
    }

    /// Loads every model (failing when one cannot be served), then serves until a signal.
    /// - Parameter onListening: called with the port once the server accepts connections.
    public func run(onListening: @escaping @Sendable (Int) -> Void) async throws {
        let watcher = ModelWatcher(repository: repository, metrics: metrics, interval: configuration.pollInterval, logger: logger,
                                   minimumWindowRows: 1_000)
        let events = repository.refresh()
        for case .refused(_, _, let reason) in events { throw ServingError(.serviceUnavailable, reason) }
        if let missing = repository.sources.first(where: { (repository.snapshot[$0.name] ?? []).isEmpty }) {
            throw ServingError(.serviceUnavailable, "model \(missing.name): nothing to serve yet (no numbered version folder with a model file)")
        }
        metrics.served(repository.snapshot, events: events)
        for case .loaded(let name, let version, _) in events { logger.info("serving model \(name) version \(version)") }
        let responder = ServingResponder(repository: repository, metrics: metrics, maxBodyBytes: configuration.maxBodyBytes,
                                         maxRows: configuration.maxRows, inFlight: InFlightLimit(limit: configuration.maxInFlight),
                                         token: configuration.authToken, openRoutes: configuration.openRoutes,
                                         serverVersion: configuration.serverVersion, logger: logger)
        let header = TimeAmount.nanoseconds(Int64(configuration.headerTimeout.seconds * 1e9))
        let body = TimeAmount.nanoseconds(Int64(configuration.bodyTimeout.seconds * 1e9))
        let http = HTTP1Channel.Configuration(
            additionalChannelHandlers: [HTTPGuardHandler(headerTimeout: header, bodyTimeout: body)])
        var server = HTTPServerBuilder.http1(configuration: http)
        if let tls = configuration.tls {
            let settings = try tls.configuration()
            do {
                server = try .tls(server, tlsConfiguration: settings)
            } catch {
                throw ServingError(.serviceUnavailable, "cannot set up TLS: \(error)")
            }
        }
        let application = Application(
            responder: responder,
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "shardtrain"),
            services: [watcher],
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        try await group.run()
    }
}
