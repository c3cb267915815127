/// How the MPI backend sums the ranks' shares (`train --backend mpi --reduce MODE`); the backend
/// itself is compiled only with the package trait `MPI`.
public enum MPIReduceMode: String, Sendable, CaseIterable {
    /// Rank 0 is the parameter server: `MPI_Bcast` of the parameters, `MPI_Reduce` to rank 0.
    case server
    /// Every rank keeps a replica of the parameters: `MPI_Allreduce`, no server.
    case allreduce
}
