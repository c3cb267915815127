/// Server → worker: apply the Hessian of the shard's data term at an evaluated point (Newton's
/// method, ``TrustRegionNewton``): to `direction`, or, without one, take its diagonal.
///
/// The point is named by the version of the `evaluate` that visited it: a worker whose setup
/// says ``ShardSetup/keepsCurvature`` keeps the per-row curvature of its last two evaluations
/// over the shard, so a product costs no pass to recover it. A worker that joined after that
/// evaluation (a replacement) receives the `point` itself and recomputes the curvature from it.
public struct CurvatureRequest: Sendable, Equatable {
    public var version: UInt64
    /// The shard's local rows (all of them, for Newton).
    public var rows: Range<Int>
    /// The version of the `evaluate` at the point.
    public var pointVersion: UInt64
    /// The point's parameters, as published in that `evaluate`, when the worker may not hold
    /// its curvature.
    public var point: [Float]?
    /// The direction; `nil` asks for the diagonal.
    public var direction: [Float]?
}

extension WireWriter {
    mutating func write(_ request: CurvatureRequest) {
        write(request.version); write(UInt64(request.rows.lowerBound)); write(UInt64(request.rows.upperBound))
        write(request.pointVersion)
        write(request.point != nil); write(floats: request.point ?? [])
        write(request.direction != nil); write(floats: request.direction ?? [])
    }
}

extension WireReader {
    mutating func readCurvatureRequest() throws(TransportError) -> CurvatureRequest {
        let version = try read(UInt64.self), rows = try readRange(), pointVersion = try read(UInt64.self)
        let hasPoint = try readBool(), point = try readFloats()
        let hasDirection = try readBool(), direction = try readFloats()
        return CurvatureRequest(version: version, rows: rows, pointVersion: pointVersion,
                                point: hasPoint ? point : nil, direction: hasDirection ? direction : nil)
    }
}
