import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ShardTrain

/// Answers every request: the Open Inference Protocol v2 (KServe, Triton) and TF Serving REST
/// endpoints, `/metrics` and the drift report. It never throws: a refused request gets its
/// status and a JSON error, and every request is counted and timed.
struct ServingResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let repository: ModelRepository
    let metrics: ServingMetrics
    let maxBodyBytes: Int
    let maxRows: Int
    let inFlight: InFlightLimit
    /// The bearer token the routes outside `openRoutes` need (nil: none).
    let token: [UInt8]?
    let openRoutes: Set<ModelServer.OpenRoute>
    let serverVersion: String
    let logger: Logger

    /// Which endpoint a path is, for routing and for the metrics' `endpoint` label.
    enum Endpoint: String {
        case v2Server = "v2_server", v2Live = "v2_health_live", v2Ready = "v2_health_ready"
        case v2Metadata = "v2_model_metadata", v2ModelReady = "v2_model_ready", v2Infer = "v2_infer", v2Drift = "v2_drift"
        case v1Predict = "v1_predict", v1Status = "v1_model_status"
        case metrics, unknown
    }

    struct Route {
        var endpoint: Endpoint
        var model: String?
        var version: Int?
        var method: HTTPRequest.Method
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        let path = request.uri.path
        var route = Route(endpoint: .unknown, model: nil, version: nil, method: .get)
        var response: Response
        do {
            route = try Self.route(path)
            guard request.method == route.method else {
                throw ServingError(.methodNotAllowed, "\(path) takes \(route.method.rawValue), not \(request.method.rawValue)")
            }
            try authorize(request, route)
            if route.endpoint == .v2Infer || route.endpoint == .v1Predict {
                guard inFlight.enter() else {
                    throw ServingError(.serviceUnavailable, "\(inFlight.limit) requests are being scored already (--max-in-flight); try again shortly")
                }
                defer { inFlight.leave() }
                response = try await answer(route, request: request)
            } else {
                response = try await answer(route, request: request)
            }
        } catch let error as ServingError {
            response = Self.json(ResponseJSON.error(error.message), status: error.status)
            if error.status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer realm=\"shardtrain\"" }
            if error.status == .serviceUnavailable { response.headers[.retryAfter] = "1" }
        } catch {
            response = Self.json(ResponseJSON.error("internal error: \(error)"), status: .internalServerError)
            logger.error("request \(path) failed: \(error)")
        }
        // Only served names become label values, so that a client cannot grow the series.
        let modelLabel = route.model.flatMap { name in repository.serves(name) ? name : nil } ?? ""
        metrics.request(model: modelLabel, endpoint: route.endpoint.rawValue, status: response.status.code, duration: clock.now - start)
        return response
    }

    /// Refuses (401) a request without the bearer token, unless its route is open.
    private func authorize(_ request: Request, _ route: Route) throws(ServingError) {
        guard let token else { return }
        switch route.endpoint {
        case .v2Live where openRoutes.contains(.health), .v2Ready where openRoutes.contains(.health): return
        case .metrics where openRoutes.contains(.metrics): return
        default: break
        }
        guard let field = request.headers[.authorization], field.lowercased().hasPrefix("bearer ") else {
            throw ServingError(.unauthorized, "this server needs \"Authorization: Bearer TOKEN\" (--auth-token-file)")
        }
        let given = Array(field.utf8.dropFirst("bearer ".count))
        // Constant time in the token's bytes: how far a guess matches does not show.
        var difference = UInt8(given.count == token.count ? 0 : 1)
        for i in 0 ..< token.count { difference |= token[i] ^ (i < given.count ? given[i] : 0) }
        guard difference == 0 else { throw ServingError(.unauthorized, "wrong bearer token") }
    }

    /// The endpoint, model and version a path names.
    static func route(_ path: String) throws(ServingError) -> Route {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        func version(_ text: String) throws(ServingError) -> Int {
            guard let number = Int(text), number >= 0, String(number) == text else {
                throw .badRequest("version \"\(text)\" is not a version number")
            }
            return number
        }
        switch parts.first {
        case "metrics" where parts.count == 1:
            return Route(endpoint: .metrics, method: .get)
        case "v2":
            if parts.count == 1 { return Route(endpoint: .v2Server, method: .get) }
            if parts.count == 3, parts[1] == "health" {
                if parts[2] == "live" { return Route(endpoint: .v2Live, method: .get) }
                if parts[2] == "ready" { return Route(endpoint: .v2Ready, method: .get) }
            }
            guard parts.count >= 3, parts[1] == "models" else { break }
            var rest = Array(parts.dropFirst(3))
            var number: Int?
            if rest.count >= 2, rest[0] == "versions" {
                number = try version(rest[1])
                rest.removeFirst(2)
            }
            let model = parts[2]
            switch rest {
            case []: return Route(endpoint: .v2Metadata, model: model, version: number, method: .get)
            case ["ready"]: return Route(endpoint: .v2ModelReady, model: model, version: number, method: .get)
            case ["infer"]: return Route(endpoint: .v2Infer, model: model, version: number, method: .post)
            case ["drift"]: return Route(endpoint: .v2Drift, model: model, version: number, method: .get)
            default: break
            }
        case "v1":
            guard parts.count >= 3, parts[1] == "models" else { break }
            var last = parts[parts.count - 1]
            let predict = last.hasSuffix(":predict")
            if predict { last.removeLast(":predict".count) }
            var segments = Array(parts.dropFirst(2).dropLast()) + [last]
            let model = segments.removeFirst()
            var number: Int?
            if segments.count == 2, segments[0] == "versions" {
                number = try version(segments[1])
            } else if !segments.isEmpty {
                break
            }
            return Route(endpoint: predict ? .v1Predict : .v1Status, model: model, version: number, method: predict ? .post : .get)
        default:
            break
        }
        throw .notFound("no endpoint at \(path) (see /v2, /v2/models/{name}, /v1/models/{name}:predict, /metrics)")
    }

    private func answer(_ route: Route, request: Request) async throws -> Response {
        switch route.endpoint {
        case .metrics:
            let latest = repository.snapshot.values.compactMap(\.last)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition(latest: latest))))
        case .v2Server:
            return Self.json("{\"name\":\"shardtrain\",\"version\":\(ResponseJSON.string(serverVersion)),\"extensions\":[\"binary_tensor_data\"]}")
        case .v2Live:
            return Response(status: .ok)
        case .v2Ready:
            return Response(status: repository.isReady ? .ok : .serviceUnavailable)
        case .v2Metadata:
            return Self.json(metadata(try model(route)))
        case .v2ModelReady:
            _ = try model(route)
            return Response(status: .ok)
        case .v2Drift:
            return Self.json(DriftReport.json(try model(route)))
        case .v1Status:
            return Self.json(try status(route))
        case .v2Infer, .v1Predict:
            let served = try model(route)
            var request = request
            let body = try await collect(&request)
            let featureCount = served.model.featureCount
            let parsed: InferenceRequest
            if route.endpoint == .v2Infer {
                let header = request.headers[HTTPField.Name("Inference-Header-Content-Length")!]
                let jsonLength = try header.map { text throws(ServingError) -> Int in
                    guard let value = Int(text) else { throw .badRequest("Inference-Header-Content-Length is \"\(text)\", not a byte count") }
                    return value
                }
                parsed = try KServeRequest.parse(body: body, jsonLength: jsonLength, featureCount: featureCount, maxRows: maxRows)
            } else {
                parsed = try TFServingRequest.parse(body: body, featureCount: featureCount, maxRows: maxRows)
            }
            let prediction = try Prediction(model: served.model, rows: parsed.rows)
            if route.endpoint == .v1Predict {
                let body = TFServingResponse.encode(prediction)
                record(prediction, of: parsed, on: served)
                return Self.json(bytes: body)
            }
            // Encoding can still refuse the request (an unknown output); only an answered
            // request reaches the drift window and the prediction metrics.
            let encoded = try KServeResponse.encode(prediction, model: served, request: parsed)
            record(prediction, of: parsed, on: served)
            var headers = HTTPFields()
            if let length = encoded.jsonLength {
                headers[.contentType] = "application/octet-stream"
                headers[HTTPField.Name("Inference-Header-Content-Length")!] = String(length)
            } else {
                headers[.contentType] = "application/json"
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: encoded.body)))
        case .unknown:
            throw ServingError.notFound("no endpoint at \(request.uri.path)")
        }
    }

    private func record(_ prediction: Prediction, of request: InferenceRequest, on served: ServedModel) {
        served.drift?.record(request.rows, scores: prediction.scores)
        metrics.scored(model: served, prediction: prediction)
    }

    private func model(_ route: Route) throws(ServingError) -> ServedModel {
        try repository.model(named: route.model ?? "", version: route.version)
    }

    /// The body, refused with 413 beyond the limit.
    private func collect(_ request: inout Request) async throws(ServingError) -> [UInt8] {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBodyBytes {
            throw ServingError(.contentTooLarge, "the request body is \(declared) bytes; the limit is \(maxBodyBytes) (--max-body-bytes)")
        }
        do {
            let buffer = try await request.collectBody(upTo: maxBodyBytes)
            return Array(buffer.readableBytesView)
        } catch {
            throw ServingError(.contentTooLarge, "the request body exceeds the limit of \(maxBodyBytes) bytes (--max-body-bytes)")
        }
    }

    private func metadata(_ served: ServedModel) -> String {
        let versions = (repository.snapshot[served.name] ?? []).map { "\"\($0.version)\"" }.joined(separator: ",")
        let model = served.model
        var outputs: [String] = []
        if model.kind == .linear {
            outputs.append("{\"name\":\"value\",\"datatype\":\"FP64\",\"shape\":[-1]}")
        } else {
            outputs.append("{\"name\":\"label\",\"datatype\":\"FP64\",\"shape\":[-1]}")
            outputs.append("{\"name\":\"probabilities\",\"datatype\":\"FP64\",\"shape\":[-1,\(model.kind == .logistic ? 2 : model.outputs)]}")
        }
        let classes = model.kind == .linear ? "" : ",\"classes\":\(ResponseJSON.numbers(model.classes))"
        return "{\"name\":\(ResponseJSON.string(served.name)),\"versions\":[\(versions)],\"platform\":\"shardtrain\",\"version\":\"\(served.version)\""
            + ",\"kind\":\"\(model.kind.rawValue)\"\(classes)"
            + ",\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[-1,\(model.featureCount)]}],\"outputs\":[\(outputs.joined(separator: ","))]}"
    }

    /// TF Serving's model status: every served version of the model (or the one asked for).
    private func status(_ route: Route) throws(ServingError) -> String {
        let served = try model(route)
        let versions = route.version == nil ? (repository.snapshot[served.name] ?? []) : [served]
        let entries = versions.reversed().map { model in
            "{\"version\":\"\(model.version)\",\"state\":\"AVAILABLE\",\"status\":{\"error_code\":\"OK\",\"error_message\":\"\"}}"
        }
        return "{\"model_version_status\":[\(entries.joined(separator: ","))]}"
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        json(bytes: Array(text.utf8), status: status)
    }

    static func json(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
