import Testing
@testable import ShardTrain

@Suite struct DenseSparseStorageTests {
    @Test func sparseRoundTripKeepsEveryEntry() {
        let dense = try! DenseMatrix(rows: 3, columns: 4, values: [1, 0, 2, 0, 0, 0, 0, 0, 0, 3, 0, 4])
        let sparse = dense.sparsified()
        #expect(sparse.storedCount == 4)
        #expect(sparse.rowOffsets == [0, 2, 2, 4])
        #expect(sparse[2, 3] == 4)
        #expect(sparse[1, 1] == 0)
        #expect(sparse.densified() == dense)
    }
}
