/// Newton's Hessian–vector products as reduce rounds: each worker applies its shard's Hessian
/// at the point to the direction (``CurvatureRequest``) and the server sums the products in
/// rank order, as it sums gradients.
extension DistributedProblem: CurvatureProblem {
    public func hessianProduct(at point: [Double], direction: [Double]) throws -> [Double] {
        try curvatureRound(at: point, direction: direction.map(Float.init))
    }

    public func hessianDiagonal(at point: [Double]) throws -> [Double] {
        try curvatureRound(at: point, direction: nil)
    }

    /// One round of curvature requests over every shard. The point goes by the version of the
    /// evaluation that visited it; to a worker that cannot hold that evaluation's curvature (it
    /// joined later, or workers keep none) the point itself goes along.
    private func curvatureRound(at point: [Double], direction: [Float]?) throws -> [Double] {
        precondition(point.count == parameterCount && (direction?.count ?? parameterCount) == parameterCount,
                     "a point and direction of \(parameterCount) entries")
        let version = nextVersion()
        beforeRound?(version)
        let known = evaluatedPoints.last { $0.parameters == point }?.version
        let published = point.map(Float.init)
        let clock = ContinuousClock()
        let waitStart = clock.now
        for rank in endpoints.indices {
            let rows = localRows(rank, 0 ..< rowCount)
            guard !rows.isEmpty else { continue }
            let keys = pulledKeys[rank]
            let carried = CurvatureRequest(version: version, rows: rows, pointVersion: known ?? version,
                                           point: KeyedVector.gather(published, at: keys),
                                           direction: direction.map { KeyedVector.gather($0, at: keys) })
            var named = carried
            named.point = nil
            let needsPoint = known.map { $0 < joinedAt[rank] } ?? true
            let message = Message.curvature(needsPoint ? carried : named)
            try post(message, to: rank, version: version, retry: .curvature(carried))
        }
        var replies: [Reply] = []
        while !pending.isEmpty { replies.append(try nextReply()) }
        replies.sort { $0.rank < $1.rank }
        let waited = (clock.now - waitStart).seconds
        let reduceStart = clock.now
        var total = [Double](repeating: 0, count: parameterCount)
        for reply in replies {
            for j in total.indices { total[j] += reply.part.gradient[j] }
        }
        record(version: version, rows: rowCount, replies: replies, waited: waited, reduced: (clock.now - reduceStart).seconds)
        return total
    }
}
