#if MPI
import CMPI

/// The MPI job this process is part of (`MPI_COMM_WORLD`): its rank and size, and the
/// collectives the MPI backend uses. Errors abort the whole job (MPI's default handler), which
/// is what a lost rank must do.
public final class MPIWorld {
    public let rank: Int
    public let size: Int
    private let comm: MPI_Comm

    /// Initializes MPI once per process.
    public init() {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 { MPI_Init(nil, nil) }
        comm = shardtrain_mpi_comm_world()
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(comm, &rank)
        MPI_Comm_size(comm, &size)
        self.rank = Int(rank)
        self.size = Int(size)
    }

    /// `MPI_Bcast` of `values` from `root` (the others' arrays must have the same length).
    public func broadcast(_ values: inout [Double], root: Int = 0) {
        let count = Int32(values.count)
        values.withUnsafeMutableBytes { _ = MPI_Bcast($0.baseAddress, count, shardtrain_mpi_double(), Int32(root), comm) }
    }

    public func broadcast(_ values: inout [Int64], root: Int = 0) {
        let count = Int32(values.count)
        values.withUnsafeMutableBytes { _ = MPI_Bcast($0.baseAddress, count, shardtrain_mpi_int64(), Int32(root), comm) }
    }

    /// `MPI_Reduce` with `MPI_SUM` to `root`: at the root `values` becomes the sum (in place);
    /// elsewhere it is only sent.
    public func reduceSum(_ values: inout [Double], root: Int = 0) {
        let count = Int32(values.count)
        if rank == root {
            values.withUnsafeMutableBytes {
                _ = MPI_Reduce(shardtrain_mpi_in_place(), $0.baseAddress, count, shardtrain_mpi_double(), shardtrain_mpi_sum(),
                               Int32(root), comm)
            }
        } else {
            values.withUnsafeBytes {
                _ = MPI_Reduce($0.baseAddress, nil, count, shardtrain_mpi_double(), shardtrain_mpi_sum(), Int32(root), comm)
            }
        }
    }

    /// `MPI_Allreduce` with `MPI_SUM`, in place: every rank gets the sum.
    public func allreduceSum(_ values: inout [Double]) {
        let count = Int32(values.count)
        values.withUnsafeMutableBytes {
            _ = MPI_Allreduce(shardtrain_mpi_in_place(), $0.baseAddress, count, shardtrain_mpi_double(), shardtrain_mpi_sum(), comm)
        }
    }

    /// Every rank's bytes, in rank order (`MPI_Allgather` of the lengths, then `MPI_Allgatherv`).
    public func allgather(_ bytes: [UInt8]) -> [[UInt8]] {
        var mine = Int32(bytes.count)
        var lengths = [Int32](repeating: 0, count: size)
        lengths.withUnsafeMutableBytes { out in
            _ = MPI_Allgather(&mine, 1, shardtrain_mpi_int(), out.baseAddress, 1, shardtrain_mpi_int(), comm)
        }
        var offsets = [Int32](repeating: 0, count: size)
        for i in 1 ..< max(size, 1) { offsets[i] = offsets[i - 1] + lengths[i - 1] }
        var all = [UInt8](repeating: 0, count: Int(lengths.reduce(0, +)))
        bytes.withUnsafeBytes { send in
            all.withUnsafeMutableBytes { receive in
                _ = MPI_Allgatherv(send.baseAddress, mine, shardtrain_mpi_byte(), receive.baseAddress, lengths, offsets,
                                   shardtrain_mpi_byte(), comm)
            }
        }
        return (0 ..< size).map { Array(all[Int(offsets[$0]) ..< Int(offsets[$0] + lengths[$0])]) }
    }

    /// Ends every rank of the job (after a rank's unrecoverable error).
    public func abort(_ code: Int32 = 1) -> Never {
        MPI_Abort(comm, code)
        fatalError("MPI_Abort returned")
    }

    /// `MPI_Finalize`, once the work is done.
    public func finalize() {
        MPI_Finalize()
    }
}
#endif
