/// The saved state of any optimizer that can resume, tagged with the optimizer it belongs to.
///
/// Encoded as `{"optimizer": NAME, "state": {...}}` with `NAME` one of `lbfgs`, `owlqn`, `sgd`,
/// `adam`, `newton` (the ``Minimizer/name``), so that a file says which optimizer can continue it.
public enum OptimizerCheckpoint: Codable, Sendable, Equatable {
    /// L-BFGS (no L1 term).
    case lbfgs(LBFGSCheckpoint)
    /// OWL-QN (L-BFGS with an L1 term): the same state, `gradient` being that of the smooth part.
    case owlqn(LBFGSCheckpoint)
    /// SGD or Adam: which one is in ``MiniBatchCheckpoint/update``.
    case miniBatch(MiniBatchCheckpoint)
    /// Trust-region Newton.
    case newton(NewtonCheckpoint)

    /// The name of the optimizer that saved it.
    public var optimizer: String {
        switch self {
        case .lbfgs: "lbfgs"
        case .owlqn: "owlqn"
        case .miniBatch(let state): state.update.optimizer
        case .newton: "newton"
        }
    }

    /// Iterations (L-BFGS, OWL-QN) or epochs (SGD, Adam) completed.
    public var completed: Int {
        switch self {
        case .lbfgs(let state), .owlqn(let state): state.iteration
        case .miniBatch(let state): state.epoch
        case .newton(let state): state.iteration
        }
    }

    /// The quasi-Newton state, when this is a checkpoint of `optimizer` (`lbfgs` or `owlqn`).
    func quasiNewtonState(for optimizer: String) throws(TrainingError) -> LBFGSCheckpoint {
        switch self {
        case .lbfgs(let state) where optimizer == "lbfgs", .owlqn(let state) where optimizer == "owlqn": state
        default: throw mismatch(optimizer)
        }
    }

    /// The mini-batch state, when this is a checkpoint of `optimizer` (`sgd` or `adam`).
    func miniBatchState(for optimizer: String) throws(TrainingError) -> MiniBatchCheckpoint {
        guard case .miniBatch(let state) = self, state.update.optimizer == optimizer else { throw mismatch(optimizer) }
        return state
    }

    private func mismatch(_ optimizer: String) -> TrainingError {
        TrainingError(.invalidConfiguration, "the checkpoint was saved by \(self.optimizer) — this run uses \(optimizer)")
    }

    private enum Keys: String, CodingKey { case optimizer, state }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let name = try container.decode(String.self, forKey: .optimizer)
        switch name {
        case "lbfgs": self = .lbfgs(try container.decode(LBFGSCheckpoint.self, forKey: .state))
        case "owlqn": self = .owlqn(try container.decode(LBFGSCheckpoint.self, forKey: .state))
        case "sgd", "adam":
            let state = try container.decode(MiniBatchCheckpoint.self, forKey: .state)
            guard state.update.optimizer == name else {
                throw DecodingError.dataCorruptedError(forKey: .state, in: container,
                                                       debugDescription: "\(name) checkpoint holds \(state.update.optimizer) state")
            }
            self = .miniBatch(state)
        case "newton": self = .newton(try container.decode(NewtonCheckpoint.self, forKey: .state))
        default:
            throw DecodingError.dataCorruptedError(forKey: .optimizer, in: container,
                                                   debugDescription: "unknown optimizer \(name) — expected lbfgs, owlqn, sgd, adam or newton")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(optimizer, forKey: .optimizer)
        switch self {
        case .lbfgs(let state), .owlqn(let state): try container.encode(state, forKey: .state)
        case .miniBatch(let state): try container.encode(state, forKey: .state)
        case .newton(let state): try container.encode(state, forKey: .state)
        }
    }
}
