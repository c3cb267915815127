/// The kinds of frame, in the order a training run uses them.
public enum MessageType: UInt16, Sendable {
    /// Worker → server, first frame: the worker's rank.
    case hello = 1
    /// Worker → server: shape, labels and feature sums of the worker's shard.
    case dataSummary = 2
    /// Server → worker: the global model setup (kind, features, classes, standardization).
    case setup = 3
    /// Worker → server: the shard is ready; its row count.
    case ready = 4
    /// Server → worker: evaluate these parameters on these local rows.
    case evaluate = 5
    /// Worker → server: loss sum, weight sum and gradient for an `evaluate`.
    case result = 6
    /// Server → worker: training is over; exit.
    case shutdown = 7
    /// Either way: an error that ends the run, with its message.
    case failure = 8
    /// Server → worker over TCP, first frame: a random nonce to authenticate against.
    case challenge = 9
    /// Worker → server: HMAC-SHA256 of the nonce under the shared secret.
    case authenticate = 10
    /// Server → worker: admitted, with its rank and the number of workers.
    case assign = 11
    /// Worker → server: a ``result`` whose gradient is sent as (index, value) pairs of its
    /// nonzeros, chosen by the sender when that is smaller than the dense vector.
    case sparseResult = 12
    /// Worker → server, every few seconds while the worker lives: it is not hung.
    case heartbeat = 13
    /// Server → worker: take K optimizer steps on these local batches from these parameters
    /// (local SGD, `--local-steps K`).
    case localSteps = 14
    /// Worker → server: the parameters after a `localSteps` request.
    case localResult = 15
    /// Worker → server, instead of its data summary: it has no copy of the data file; ship its
    /// shard's rows.
    case requestRows = 16
    /// Server → worker: consecutive rows of its shard (``RowChunk``); the last says so.
    case rows = 17
    /// Server → worker, once after training: the loss sum of these parameters (float64, on the
    /// scale of the original features) over the whole shard, every step in float64.
    case exactEvaluate = 18
    /// Worker → server: the float64 loss sum for an `exactEvaluate`.
    case exactResult = 19
    /// Server → worker: a Hessian–vector product (or the Hessian's diagonal) at an evaluated
    /// point (``CurvatureRequest``).
    case curvature = 20
    /// Worker → server: the vector a `curvature` request asked for.
    case curvatureResult = 21
}
