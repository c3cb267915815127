extension DistributedProblem {
    /// The cost of one reduce round.
    public struct RoundRecord: Sendable {
        public struct Worker: Sendable {
            public var rank: Int
            /// Seconds the worker spent in its kernels.
            public var computeSeconds: Double
            /// Seconds from publishing the round until its contribution arrived.
            public var replySeconds: Double
            public var bytesSent: Int
            public var bytesReceived: Int
        }
        public var version: UInt64
        public var rows: Int
        public var workers: [Worker]
        /// Seconds waiting for the slowest contribution.
        public var waitSeconds: Double
        /// Seconds combining the contributions.
        public var reduceSeconds: Double
    }

    /// What the server has measured.
    public struct Statistics: Sendable {
        /// Reduce rounds (evaluations, or averages of local steps).
        public var rounds = 0
        /// Bytes sent and received in frames.
        public var bytesSent = 0
        public var bytesReceived = 0
        /// Seconds spent waiting for workers (their compute and the network).
        public var waitSeconds = 0.0
        /// Seconds spent combining contributions.
        public var reduceSeconds = 0.0
        /// Workers lost and replaced.
        public var replacedWorkers = 0
        /// With bounded staleness: the largest and the mean number of updates a gradient
        /// missed between being asked for and being applied.
        public var largestStaleness = 0
        public var meanStaleness = 0.0
    }

    /// How a range of the problem's rows maps onto the shards.
    public enum RowOrder: Sendable {
        /// Row `i` is row `i` of the shards laid end to end: a range is the same rows as in one
        /// process, so a mini-batch usually lands on one worker.
        case shardsInSequence
        /// A range `a ..< b` takes rows `⌊a·nᵣ/N⌋ ..< ⌊b·nᵣ/N⌋` of every shard `r` (`nᵣ` rows of
        /// `N`): every mini-batch is spread over all workers in proportion to their shards, so
        /// they compute it together. Ranges that partition `0 ..< N` partition the data; the
        /// whole range is every row either way.
        case interleaved
    }

    /// A worker's answer to a request, checked against it.
    struct Reply {
        var rank: Int
        /// The contribution (for `evaluate`), or the loss and weight sums of the steps with the
        /// new parameters in `gradient`'s place (for `localSteps`).
        var part: PartialEvaluation
        var computeSeconds: Double
        var replySeconds: Double
        var bytes: Int
        /// Bytes of the request it answers.
        var sentBytes = 0
    }
}
