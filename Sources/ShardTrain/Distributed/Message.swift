import NIOCore

/// What a shard looks like, reported by its worker so the server can fix the global setup.
public struct ShardSummary: Sendable, Equatable {
    /// Rows in the shard.
    public var rows: Int
    /// Columns the shard's reader produced (the largest index seen, or the fixed count).
    public var columns: Int
    /// Whether the shard is stored sparse.
    public var isSparse: Bool
    /// Distinct labels in the shard (empty when `tooManyLabels`).
    public var labels: [Double]
    /// More distinct labels than ``ShardSummary/labelLimit``: not a classification shard.
    public var tooManyLabels: Bool
    /// Per-feature sums and sums of squares (dense shards; empty for sparse).
    public var featureSums: [Double]
    public var featureSquareSums: [Double]
    /// The shard's ``DatasetFingerprint``.
    public var fingerprint: String
    /// `Σ sᵢ` over the shard's rows (its row count without sample weights).
    public var weightSum: Double
    /// Rows of each label in ``labels``, in the same order (empty when `tooManyLabels`).
    public var labelCounts: [Int] = []

    /// At most this many distinct labels are reported.
    public static let labelLimit = 10_000
}

/// The global training setup every worker applies to its shard.
public struct ShardSetup: Sendable, Equatable {
    public var kind: ModelKind
    public var featureCount: Int
    public var classes: [Double]
    /// Standardization means and scales (empty: none).
    public var means: [Double]
    public var scales: [Double]
    public var fitIntercept: Bool
    /// Seconds between a worker's heartbeats (0: none).
    public var heartbeatSeconds: Double = 0
    /// When set, each worker shuffles its shard's rows with this seed (mixed with its rank)
    /// before training: mini-batch runs on files sorted by label.
    public var shuffleSeed: UInt64? = nil
    /// `Σ sᵢ` over every shard: what the mini-batch penalty is scaled by.
    public var totalWeight: Double = 0
    /// Whether workers keep the per-row curvature of their evaluations (Newton's method).
    public var keepsCurvature = false
}

/// A decoded message.
public enum Message: Sendable, Equatable {
    case hello(rank: Int)
    case dataSummary(ShardSummary)
    case setup(ShardSetup)
    /// The shard is ready: its rows, and the parameters it touches (ascending; empty: all of
    /// them), which are all that travels to and from it in `evaluate` and `curvature` rounds.
    case ready(rows: Int, keys: [Int])
    /// Evaluate `parameters` (version `version`) on the shard's local rows `rows`.
    case evaluate(version: UInt64, rows: Range<Int>, parameters: [Float])
    /// The shard's contribution for `version`, and the seconds the worker spent computing it.
    case result(version: UInt64, lossSum: Double, weightSum: Double, gradient: [Float], computeSeconds: Double)
    case shutdown
    case failure(String)
    case challenge(nonce: [UInt8])
    case authenticate(code: [UInt8])
    case assign(rank: Int, workers: Int)
    /// The worker is alive (sent every few seconds by a background thread).
    case heartbeat
    /// Take the plan's optimizer steps on the shard (local SGD).
    case localSteps(LocalStepPlan)
    /// The parameters after a `localSteps` round, with the loss and weight sums of its batches
    /// (each at the parameters its step started from) and the seconds spent computing.
    case localResult(version: UInt64, parameters: [Float], lossSum: Double, weightSum: Double, computeSeconds: Double)
    /// Ship me my shard's rows.
    case requestRows
    /// Rows of the worker's shard.
    case rows(RowChunk)
    /// The float64 loss sum of `parameters` (original feature scale) over the whole shard.
    case exactEvaluate(version: UInt64, parameters: [Double])
    /// The answer to an `exactEvaluate`.
    case exactResult(version: UInt64, lossSum: Double, computeSeconds: Double)
    /// A Hessian–vector product or diagonal at an evaluated point.
    case curvature(CurvatureRequest)
    /// The vector a `curvature` request asked for, and the seconds spent computing it.
    case curvatureResult(version: UInt64, values: [Float], computeSeconds: Double)

    /// The frame type; a `result` whose gradient is mostly zeros goes as `sparseResult`.
    var type: MessageType {
        switch self {
        case .hello: .hello
        case .dataSummary: .dataSummary
        case .setup: .setup
        case .ready: .ready
        case .evaluate: .evaluate
        case .result(_, _, _, let gradient, _): SparseGradient.isWorthIt(gradient) ? .sparseResult : .result
        case .shutdown: .shutdown
        case .failure: .failure
        case .challenge: .challenge
        case .authenticate: .authenticate
        case .assign: .assign
        case .heartbeat: .heartbeat
        case .localSteps: .localSteps
        case .localResult: .localResult
        case .requestRows: .requestRows
        case .rows: .rows
        case .exactEvaluate: .exactEvaluate
        case .exactResult: .exactResult
        case .curvature: .curvature
        case .curvatureResult: .curvatureResult
        }
    }

    /// The message as a frame.
    public func frame() -> Frame {
        let type = self.type
        var w = WireWriter(capacity: payloadCapacity)
        switch self {
        case .hello(let rank):
            w.write(UInt32(rank))
        case .dataSummary(let s):
            w.write(UInt64(s.rows)); w.write(UInt64(s.columns)); w.write(s.isSparse)
            w.write(s.labels); w.write(s.tooManyLabels); w.write(s.featureSums); w.write(s.featureSquareSums); w.write(s.fingerprint)
            w.write(s.weightSum); w.write(s.labelCounts.map(Double.init))
        case .setup(let s):
            w.write(s.kind.rawValue); w.write(UInt64(s.featureCount)); w.write(s.classes)
            w.write(s.means); w.write(s.scales); w.write(s.fitIntercept); w.write(s.heartbeatSeconds)
            w.write(s.shuffleSeed != nil); w.write(s.shuffleSeed ?? 0); w.write(s.totalWeight); w.write(s.keepsCurvature)
        case .ready(let rows, let keys):
            w.write(UInt64(rows)); w.write(UInt64(keys.count))
            for key in keys { w.write(UInt32(key)) }
        case .evaluate(let version, let rows, let parameters):
            w.write(version); w.write(UInt64(rows.lowerBound)); w.write(UInt64(rows.upperBound)); w.write(floats: parameters)
        case .result(let version, let lossSum, let weightSum, let gradient, let computeSeconds):
            w.write(version); w.write(lossSum); w.write(weightSum); w.write(computeSeconds)
            if type == .sparseResult { w.write(sparse: gradient) } else { w.write(floats: gradient) }
        case .shutdown, .heartbeat, .requestRows:
            break
        case .failure(let text):
            w.write(text)
        case .challenge(let bytes), .authenticate(let bytes):
            w.write(UInt64(bytes.count))
            for byte in bytes { w.write(byte) }
        case .assign(let rank, let workers):
            w.write(UInt32(rank)); w.write(UInt32(workers))
        case .localSteps(let plan):
            w.write(plan)
        case .rows(let chunk):
            w.write(chunk)
        case .exactEvaluate(let version, let parameters):
            w.write(version); w.write(parameters)
        case .exactResult(let version, let lossSum, let computeSeconds):
            w.write(version); w.write(lossSum); w.write(computeSeconds)
        case .curvature(let request):
            w.write(request)
        case .curvatureResult(let version, let values, let computeSeconds):
            w.write(version); w.write(computeSeconds); w.write(floats: values)
        case .localResult(let version, let parameters, let lossSum, let weightSum, let computeSeconds):
            w.write(version); w.write(lossSum); w.write(weightSum); w.write(computeSeconds); w.write(floats: parameters)
        }
        return Frame(type: type, payload: w.bytes)
    }

    /// The frame of an `evaluate` or a dense `result` written in one step (``Frame/vectorBuffer``),
    /// byte for byte what ``frame()`` encodes; `nil` for other messages.
    func directBuffer(_ allocator: ByteBufferAllocator) -> ByteBuffer? {
        switch self {
        case .evaluate(let version, let rows, let parameters):
            return Frame.vectorBuffer(.evaluate, fields: [version, UInt64(rows.lowerBound), UInt64(rows.upperBound)],
                                      floats: parameters, allocator)
        case .result(let version, let lossSum, let weightSum, let gradient, let computeSeconds) where type == .result:
            return Frame.vectorBuffer(.result, fields: [version, lossSum.bitPattern, weightSum.bitPattern, computeSeconds.bitPattern],
                                      floats: gradient, allocator)
        default:
            return nil
        }
    }

    /// Room for the payload of a message that carries a vector, so that it is written without
    /// regrowing (an upper bound for the dense forms).
    private var payloadCapacity: Int {
        switch self {
        case .evaluate(_, _, let parameters): 40 + 4 * parameters.count
        case .result(_, _, _, let gradient, _): 48 + 4 * gradient.count
        case .localResult(_, let parameters, _, _, _): 48 + 4 * parameters.count
        case .localSteps(let plan): 256 + 16 * plan.batches.count + 4 * plan.parameters.count
        case .exactEvaluate(_, let parameters): 24 + 8 * parameters.count
        case .curvature(let request): 64 + 4 * ((request.point?.count ?? 0) + (request.direction?.count ?? 0))
        case .curvatureResult(_, let values, _): 32 + 4 * values.count
        default: 64
        }
    }

    /// Decodes the payload of `frame`; a sparse vector may expand to at most `vectorLimit`
    /// entries (the session's parameter count).
    public init(_ frame: Frame, peer: String, vectorLimit: Int = Frame.maximumPayload / 4) throws(TransportError) {
        let decoded = frame.payload.withUnsafeBytes { raw in
            Result { () throws(TransportError) in try Message(type: frame.type, payload: raw, peer: peer, vectorLimit: vectorLimit) }
        }
        self = try decoded.get()
    }

    /// Decodes a payload of type `type` where it lies (a connection's receive buffer): vectors
    /// are copied once, into their arrays.
    init(type: MessageType, payload: UnsafeRawBufferPointer, peer: String, vectorLimit: Int) throws(TransportError) {
        var r = WireReader(payload, peer: peer, context: "\(type) message", vectorLimit: vectorLimit)
        switch type {
        case .hello:
            self = .hello(rank: Int(try r.read(UInt32.self)))
        case .dataSummary:
            let rows = try r.readInt("rows"), columns = try r.readInt("columns"), sparse = try r.readBool()
            let labels = try r.readDoubles(), tooMany = try r.readBool()
            let sums = try r.readDoubles(), squares = try r.readDoubles(), fingerprint = try r.readString()
            let weightSum = try r.readDouble(), counts = try r.readDoubles()
            guard weightSum.isFinite, weightSum >= 0 else {
                throw TransportError(.badMessage, peer: peer, "data summary: weight sum \(weightSum)")
            }
            guard counts.isEmpty || counts.count == labels.count,
                  counts.allSatisfy({ $0 >= 0 && $0 <= Double(rows) && $0.rounded() == $0 }) else {
                throw TransportError(.badMessage, peer: peer, "data summary: \(counts.count) label counts for \(labels.count) labels, or counts that are not row counts")
            }
            self = .dataSummary(ShardSummary(rows: rows, columns: columns, isSparse: sparse, labels: labels,
                                             tooManyLabels: tooMany, featureSums: sums, featureSquareSums: squares,
                                             fingerprint: fingerprint, weightSum: weightSum, labelCounts: counts.map { Int($0) }))
        case .setup:
            guard let kind = ModelKind(rawValue: try r.readString()) else {
                throw TransportError(.badMessage, peer: peer, "setup message: unknown model kind")
            }
            let features = try r.readInt("features"), classes = try r.readDoubles()
            let means = try r.readDoubles(), scales = try r.readDoubles(), intercept = try r.readBool()
            let heartbeat = try r.readDouble(), shuffles = try r.readBool(), seed = try r.read(UInt64.self)
            let totalWeight = try r.readDouble(), keepsCurvature = try r.readBool()
            self = .setup(ShardSetup(kind: kind, featureCount: features, classes: classes, means: means, scales: scales,
                                     fitIntercept: intercept, heartbeatSeconds: heartbeat, shuffleSeed: shuffles ? seed : nil,
                                     totalWeight: totalWeight, keepsCurvature: keepsCurvature))
        case .ready:
            let rows = try r.readInt("rows"), count = try r.readCount(elementSize: 4)
            var keys: [Int] = []
            keys.reserveCapacity(count)
            for _ in 0 ..< count {
                let key = Int(try r.read(UInt32.self))
                guard key > (keys.last ?? -1) else {
                    throw TransportError(.badMessage, peer: peer, "ready message: keys not strictly increasing at \(key)")
                }
                keys.append(key)
            }
            self = .ready(rows: rows, keys: keys)
        case .evaluate:
            let version = try r.read(UInt64.self), rows = try r.readRange()
            self = .evaluate(version: version, rows: rows, parameters: try r.readFloats())
        case .result, .sparseResult:
            let version = try r.read(UInt64.self), loss = try r.readDouble(), weight = try r.readDouble()
            let seconds = try r.readDouble()
            let gradient = type == .result ? try r.readFloats() : try r.readSparse()
            self = .result(version: version, lossSum: loss, weightSum: weight, gradient: gradient, computeSeconds: seconds)
        case .heartbeat:
            self = .heartbeat
        case .requestRows:
            self = .requestRows
        case .rows:
            self = .rows(try r.readChunk())
        case .localSteps:
            self = .localSteps(try r.readPlan())
        case .localResult:
            let version = try r.read(UInt64.self), loss = try r.readDouble(), weight = try r.readDouble()
            let seconds = try r.readDouble()
            self = .localResult(version: version, parameters: try r.readFloats(), lossSum: loss, weightSum: weight,
                                computeSeconds: seconds)
        case .exactEvaluate:
            let version = try r.read(UInt64.self)
            self = .exactEvaluate(version: version, parameters: try r.readDoubles())
        case .exactResult:
            let version = try r.read(UInt64.self), loss = try r.readDouble()
            self = .exactResult(version: version, lossSum: loss, computeSeconds: try r.readDouble())
        case .curvature:
            self = .curvature(try r.readCurvatureRequest())
        case .curvatureResult:
            let version = try r.read(UInt64.self), seconds = try r.readDouble()
            self = .curvatureResult(version: version, values: try r.readFloats(), computeSeconds: seconds)
        case .shutdown:
            self = .shutdown
        case .failure:
            self = .failure(try r.readString())
        case .challenge:
            self = .challenge(nonce: try r.readBytes())
        case .authenticate:
            self = .authenticate(code: try r.readBytes())
        case .assign:
            self = .assign(rank: Int(try r.read(UInt32.self)), workers: Int(try r.read(UInt32.self)))
        }
        try r.finish()
    }
}

extension WireWriter {
    mutating func write(_ text: Substring) { write(String(text)) }
}
