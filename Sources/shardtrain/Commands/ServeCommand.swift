import ArgumentParser
import Foundation
import Logging
import ShardTrain
import ShardTrainServing

/// `shardtrain serve`: model files over HTTP (Open Inference Protocol v2 and TF Serving REST),
/// with Prometheus metrics, drift monitoring and hot reload.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve model files over HTTP: KServe v2 / Triton and TF Serving REST, /metrics, drift, hot reload.",
        discussion: """
        Endpoints: GET /v2, /v2/health/live, /v2/health/ready, /v2/models/{m}[/versions/{v}][/ready], \
        POST /v2/models/{m}[/versions/{v}]/infer, GET /v2/models/{m}/drift, \
        POST /v1/models/{m}[/versions/{v}]:predict, GET /v1/models/{m}, GET /metrics. \
        A changed or new model file is checked, then swapped in; a bad one is refused and the \
        served version stays. SIGTERM or SIGINT stops the server after the requests in flight.
        """
    )

    @Option(name: .customLong("model"), help: "A model file, as NAME=PATH (repeatable); served as version 1, raised on every reload.")
    var models: [String] = []

    @Option(name: .customLong("model-dir"), help: "A folder of versions, as [NAME=]DIR: numbered subfolders with one model file each; the highest is the latest (repeatable).")
    var modelDirs: [String] = []

    @Option(help: "Address to listen on (127.0.0.1 unless told otherwise).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port, printed on start).")
    var port = 8080

    @Option(help: "Largest request body in bytes (larger: 413).")
    var maxBodyBytes = 8 << 20

    @Option(help: "Seconds between looks at the model files for changes.")
    var pollInterval = 0.5

    @Option(help: "Rows in each model's drift window (the most recent ones).")
    var driftWindow = 10_000

    @Option(help: "The most rows one inference request may score (more: 413).")
    var maxRows = 65_536

    @Option(help: "Inference requests scored at once (more: 503 with Retry-After).")
    var maxInFlight = 64

    @Option(help: "Seconds a connection has to send a request's head (also the keep-alive idle limit).")
    var headerTimeout: Double = 10

    @Option(help: "Seconds a connection has to send a request's body once its head has come.")
    var bodyTimeout: Double = 30

    @Option(help: "File holding a bearer token (at least 16 bytes) that every request must carry as \"Authorization: Bearer TOKEN\", except the open routes.")
    var authTokenFile: String?

    @Option(help: "With --auth-token-file: the routes that need no token, comma-separated, from health and metrics, or none.")
    var openRoutes = "health,metrics"

    @Option(help: "PEM certificate chain: serve HTTPS instead of HTTP (with --tls-key).")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(help: "PEM certificate authority: with --tls-cert, clients must present a certificate it signed (mutual TLS).")
    var tlsCa: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        guard !models.isEmpty || !modelDirs.isEmpty else { throw ValidationError("give --model NAME=PATH or --model-dir DIR") }
        guard (0 ... 65_535).contains(port) else { throw ValidationError("--port must be 0 to 65535, got \(port)") }
        guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be > 0") }
        guard pollInterval > 0, pollInterval.isFinite else { throw ValidationError("--poll-interval must be > 0") }
        guard driftWindow > 0 else { throw ValidationError("--drift-window must be > 0") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level \(logLevel) is not a level") }
        guard maxRows > 0 else { throw ValidationError("--max-rows must be > 0") }
        guard maxInFlight > 0 else { throw ValidationError("--max-in-flight must be > 0") }
        for (value, option) in [(headerTimeout, "--header-timeout"), (bodyTimeout, "--body-timeout")] {
            guard value > 0, value <= 86_400 else { throw ValidationError("\(option) takes seconds between 0 and 86400, got \(value)") }
        }
        _ = try parsedOpenRoutes()
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("give --tls-cert and --tls-key together") }
        if tlsCa != nil, tlsCert == nil { throw ValidationError("--tls-ca needs --tls-cert and --tls-key") }
    }

    /// `--open-routes`, checked.
    func parsedOpenRoutes() throws -> Set<ModelServer.OpenRoute> {
        if openRoutes == "none" { return [] }
        var routes = Set<ModelServer.OpenRoute>()
        for name in openRoutes.split(separator: ",") {
            guard let route = ModelServer.OpenRoute(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--open-routes takes health, metrics or none, got \(name)")
            }
            routes.insert(route)
        }
        return routes
    }

    func run() async throws {
        var sources: [ModelSource] = []
        do {
            sources += try models.map { argument throws(ServingError) in try ModelSource.file(argument: argument) }
            sources += try modelDirs.map { argument throws(ServingError) in try ModelSource.directory(argument: argument) }
        } catch {
            throw ValidationError(error.message)
        }
        var names = Set<String>()
        for source in sources where !names.insert(source.name).inserted {
            throw ValidationError("two models are named \"\(source.name)\"; give each --model/--model-dir its own NAME=")
        }
        var configuration = ModelServer.Configuration()
        configuration.host = host
        configuration.port = port
        configuration.maxBodyBytes = maxBodyBytes
        configuration.pollInterval = .milliseconds(Int64((pollInterval * 1000).rounded()))
        configuration.driftWindowRows = driftWindow
        configuration.serverVersion = ShardTrainVersion.current
        configuration.maxRows = maxRows
        configuration.maxInFlight = maxInFlight
        configuration.headerTimeout = .milliseconds(Int64(headerTimeout * 1000))
        configuration.bodyTimeout = .milliseconds(Int64(bodyTimeout * 1000))
        configuration.openRoutes = try parsedOpenRoutes()
        if let authTokenFile { configuration.authToken = try Secret.load(file: authTokenFile, what: "token") }
        if let tlsCert, let tlsKey {
            configuration.tls = ModelServer.TLSFiles(certificateChain: tlsCert, privateKey: tlsKey, clientAuthority: tlsCa)
        }
        var logger = Logger(label: "shardtrain.serve") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let server = ModelServer(sources: sources, configuration: configuration, logger: logger)
        let host = host, scheme = tlsCert == nil ? "http" : "https"
        do {
            try await server.run { port in
                FileHandle.standardOutput.write(Data("serving on \(scheme)://\(host):\(port)\n".utf8))
            }
        } catch let error as ServingError {
            throw CLIError(error.message)
        }
    }
}
