import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

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

        public init() {}
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
                                         serverVersion: configuration.serverVersion, logger: logger)
        let application = Application(
            responder: responder,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "shardtrain"),
            services: [watcher],
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        try await group.run()
    }
}
