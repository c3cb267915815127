import NIOCore
import Testing
@testable import ShardTrain
import TestSupport

/// Frames and messages: what goes on the wire, and everything that must be refused.
@Suite struct WireFormatTests {
    static let messages: [Message] = [
        .hello(rank: 3),
        .dataSummary(ShardSummary(rows: 10, columns: 4, isSparse: false, labels: [-1, 1], tooManyLabels: false,
                                  featureSums: [1, 2, 3, 4], featureSquareSums: [5, 6, 7, 8], fingerprint: "abc", weightSum: 9.5)),
        .setup(ShardSetup(kind: .softmax, featureCount: 4, classes: [1, 2, 3], means: [0.5], scales: [2], fitIntercept: true)),
        .ready(rows: 10, keys: [1, 4, 9]),
        .evaluate(version: 7, rows: 2 ..< 9, parameters: [1, -2.5, 3e-8]),
        .result(version: 7, lossSum: 12.5, weightSum: 7, gradient: [0.25, -1], computeSeconds: 0.125),
        .shutdown,
        .failure("worker 1: no such file"),
        .setup(ShardSetup(kind: .logistic, featureCount: 2, classes: [0, 1], means: [], scales: [], fitIntercept: false,
                          heartbeatSeconds: 0.5, shuffleSeed: 42)),
        .result(version: 8, lossSum: 1, weightSum: 2, gradient: sparseGradient, computeSeconds: 0),
        .heartbeat,
        .localSteps(LocalStepPlan(version: 9, batches: [0 ..< 4, 4 ..< 8], rate: 0.05,
                                  rule: .init(kind: .adam, l2Penalty: 1, l1Penalty: 0.5, penalizedCount: 2, penaltyScale: 0.1),
                                  parameters: [1, 2, 3])),
        .localResult(version: 9, parameters: [0.5, -0.5, 1], lossSum: 3, weightSum: 8, computeSeconds: 0.01),
        .requestRows,
        .rows(RowChunk(features: .dense(try! DenseMatrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])), labels: [1, -1],
                       sampleWeights: [0.5, 2], isLast: false)),
        .rows(RowChunk(features: .sparse(try! SparseMatrix(rows: 2, columns: 9, rowOffsets: [0, 2, 3], columnIndices: [1, 8, 4],
                                                      values: [1, -1, 2])), labels: [3, 4], sampleWeights: nil, isLast: true)),
        .exactEvaluate(version: 10, parameters: [0.25, -3]),
        .exactResult(version: 10, lossSum: 4.5, computeSeconds: 0.5),
        .curvature(CurvatureRequest(version: 11, rows: 0 ..< 5, pointVersion: 9, point: nil, direction: [1, -1, 0.5])),
        .curvature(CurvatureRequest(version: 12, rows: 1 ..< 5, pointVersion: 12, point: [0.5, 2, -1], direction: nil)),
        .curvatureResult(version: 11, values: [0.125, 8, -2], computeSeconds: 0.25),
    ]

    /// Shipped in many small chunks and put back together, a shard is the same rows.
    @Test(arguments: [false, true])
    func shippedRowsReassembleExactly(sparse: Bool) throws {
        let (a9a, _) = try Datasets.a9a()
        let sparseRows = a9a.rows(at: Array(0 ..< 500))
        let dense = try Dataset(features: .dense(try DenseMatrix(rows: 300, columns: 4, values: (0 ..< 1200).map { Float($0) })),
                            labels: (0 ..< 300).map { Double($0 % 2) }, sampleWeights: (0 ..< 300).map { Double($0) })
        let original = sparse ? sparseRows : dense
        let chunks = RowChunk.chunks(of: original, rowsPerChunk: 37)
        #expect(chunks.count > 5 && chunks.last?.isLast == true && chunks.dropLast().allSatisfy { !$0.isLast })
        var decoded: [RowChunk] = []
        for chunk in chunks {
            let frame = Message.rows(chunk).frame()
            guard case .rows(let back) = try Message(frame, peer: "coordinator") else { Issue.record("not rows"); return }
            decoded.append(back)
        }
        let shard = try RowChunk.assemble(decoded, source: "test", peer: "coordinator")
        #expect(shard.labels == original.labels && shard.sampleWeights == original.sampleWeights)
        #expect(shard.features == original.features)
    }

    /// A gradient of 1,000 entries with three nonzeros, one of them negative zero's neighbour.
    static let sparseGradient: [Float] = (0 ..< 1000).map { [3: 1.5, 500: -2, 999: 1e-30][$0] ?? 0 }

    @Test func mostlyZeroGradientsGoSparseAndShrink() throws {
        let sparse = Message.result(version: 1, lossSum: 0, weightSum: 0, gradient: Self.sparseGradient, computeSeconds: 0)
        #expect(sparse.frame().type == .sparseResult)
        #expect(sparse.frame().encoded().count < 100)
        let dense = Message.result(version: 1, lossSum: 0, weightSum: 0, gradient: (0 ..< 1000).map { Float($0 % 2) },
                                   computeSeconds: 0)
        #expect(dense.frame().type == .result)
    }

    @Test func sparseIndicesOutOfOrderOrRangeAreRefused() throws {
        for indices: [UInt32] in [[5, 3], [2, 2], [10]] {
            var w = WireWriter()
            w.write(UInt64(1)); w.write(0.0); w.write(1.0); w.write(0.0)
            w.write(UInt64(10)); w.write(UInt64(indices.count))
            for index in indices { w.write(index) }
            for _ in indices { w.write(Float(1).bitPattern) }
            let frame = Frame(type: .sparseResult, payload: w.bytes)
            #expect { try Message(frame, peer: "worker 2") } throws: {
                ($0 as? TransportError)?.code == .badMessage && ($0 as? TransportError)?.peer == "worker 2"
            }
        }
    }

    @Test(arguments: messages)
    func messagesRoundTrip(message: Message) throws {
        let bytes = message.frame().encoded()
        let (frame, used) = try #require(try Frame.decode(bytes, peer: "test"))
        #expect(used == bytes.count)
        #expect(try Message(frame, peer: "test") == message)
    }

    @Test func partialFramesWaitForMoreBytes() throws {
        let bytes = Message.evaluate(version: 1, rows: 0 ..< 5, parameters: [1, 2, 3]).frame().encoded()
        for cut in [0, 3, 11, 12, bytes.count - 1] {
            #expect(try Frame.decode(bytes.prefix(cut), peer: "test") == nil)
        }
    }

    @Test func garbageIsRefusedNamingThePeer() {
        #expect { try Frame.decode(Array("GET / HTTP/1.1\r\n".utf8), peer: "worker 2") } throws: { error in
            let error = error as? TransportError
            return error?.code == .malformedFrame && error?.description.hasPrefix("worker 2:") == true
        }
    }

    @Test func wrongVersionIsRefused() {
        var bytes = Message.shutdown.frame().encoded()
        bytes[4] = 9
        #expect { try Frame.decode(bytes, peer: "p") } throws: { ($0 as? TransportError)?.code == .wrongVersion }
    }

    @Test func oversizedFramesAreRefusedBeforeBuffering() {
        var bytes = Message.shutdown.frame().encoded()
        bytes[8] = 0xFF; bytes[9] = 0xFF; bytes[10] = 0xFF; bytes[11] = 0x7F
        #expect { try Frame.decode(bytes.prefix(12), peer: "p") } throws: { ($0 as? TransportError)?.code == .oversizedFrame }
    }

    /// The vectors of a round are written straight into the socket's buffer: the same bytes as
    /// their frames.
    @Test func directlyWrittenVectorsAreTheirFrames() throws {
        let allocator = ByteBufferAllocator()
        let values = (0 ..< 300).map { Float($0) * 0.25 - 7 }
        let evaluate = Message.evaluate(version: 9, rows: 3 ..< 70, parameters: values)
        let dense = Message.result(version: 4, lossSum: 1.5, weightSum: 2.5, gradient: values, computeSeconds: 0.125)
        for message in [evaluate, dense] {
            let buffer = try #require(message.directBuffer(allocator))
            #expect(Array(buffer.readableBytesView) == message.frame().encoded())
        }
        let sparse = Message.result(version: 4, lossSum: 1, weightSum: 1, gradient: [Float](repeating: 0, count: 300), computeSeconds: 0)
        #expect(sparse.directBuffer(allocator) == nil)
        #expect(Message.shutdown.directBuffer(allocator) == nil)
    }

    /// A frame is its header and payload, nothing more: two frames back to back decode one at
    /// a time, each using exactly its own bytes.
    @Test func framesAreHeaderAndPayloadOnly() throws {
        let first = Message.evaluate(version: 1, rows: 0 ..< 2, parameters: [1, 2]).frame().encoded()
        let second = Message.shutdown.frame().encoded()
        #expect(first.count == Frame.headerSize + 32 + 8 && second.count == Frame.headerSize)
        let (frame, used) = try #require(try Frame.decode(first + second, peer: "p"))
        #expect(used == first.count && frame.type == .evaluate)
        #expect(try Frame.decode((first + second).dropFirst(used), peer: "p")?.0.type == .shutdown)
    }

    @Test func unknownMessageTypesAreRefused() {
        var bytes = Frame(type: .shutdown, payload: []).encoded()
        bytes[6] = 99
        #expect { try Frame.decode(bytes, peer: "p") } throws: { ($0 as? TransportError)?.code == .malformedFrame }
    }

    @Test func payloadsThatDoNotFitTheirTypeAreRefused() {
        let short = Frame(type: .result, payload: [1, 2, 3])
        #expect { try Message(short, peer: "worker 1") } throws: { ($0 as? TransportError)?.code == .badMessage }
        var claim = Message.result(version: 1, lossSum: 0, weightSum: 0, gradient: [1], computeSeconds: 0).frame()
        claim.payload.append(0)
        #expect { try Message(claim, peer: "worker 1") } throws: { ($0 as? TransportError)?.code == .badMessage }
        // A length field that claims more elements than the payload holds.
        var huge = Message.evaluate(version: 1, rows: 0 ..< 1, parameters: [1]).frame()
        huge.payload[24] = 0xFF
        #expect { try Message(huge, peer: "worker 1") } throws: { ($0 as? TransportError)?.code == .badMessage }
    }
}

@Suite struct FrameSizeTests {
    @Test(arguments: WireFormatTests.messages)
    func byteCountsMatchTheEncodedFrames(message: Message) {
        #expect(message.wireSize == message.frame().encoded().count)
    }
}
