import Foundation
import Testing
@testable import ShardTrain

@Suite struct SafeTensorsContainerTests {
    typealias Tensor = SafeTensorsFile.Tensor
    let raw = ModelFileSamples.raw

    @Test func everyDTypeRoundTrips() throws {
        let file = try SafeTensorsFile(tensors: [
            "f32": Tensor(floats: [1.5, -2, .pi, 0], shape: [2, 2]),
            "f64": Tensor(doubles: [1e-300, -0.25]),
            "i8": Tensor(int8s: [-128, 0, 127]),
            "u8": Tensor(uint8s: [0, 255]),
            "i32": Tensor(int32s: [Int32.min, -1, Int32.max]),
            "i64": Tensor(int64s: [Int64.min, 42]),
            "scalar": Tensor(floats: [7], shape: []),
            "empty": Tensor(floats: [], shape: [0, 3]),
            "bf16": Tensor(dtype: .bfloat16, shape: [2], bytes: [0x80, 0x3F, 0x00, 0x40]),
        ], metadata: ["k": "v", "ünï": "line\nbreak \"q\" \\ \u{01}"])
        let bytes = file.encoded()
        let decoded = try SafeTensorsFile(decoding: bytes, source: "all")
        #expect(decoded == file)
        #expect(try decoded["f32"]?.floats() == [1.5, -2, .pi, 0])
        #expect(try decoded["f64"]?.doubles() == [1e-300, -0.25])
        #expect(try decoded["i8"]?.int8s() == [-128, 0, 127])
        #expect(try decoded["u8"]?.uint8s() == [0, 255])
        #expect(try decoded["i32"]?.int32s() == [Int32.min, -1, Int32.max])
        #expect(try decoded["i64"]?.int64s() == [Int64.min, 42])
        #expect(decoded["scalar"]?.elementCount == 1)
        #expect(decoded["empty"]?.shape == [0, 3])
    }

    @Test func headerIsPaddedSoTheBufferIsAligned() throws {
        for name in ["a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh"] {
            let bytes = try SafeTensorsFile(tensors: [name: Tensor(doubles: [1])]).encoded()
            let headerLength = bytes[0 ..< 8].reversed().reduce(0) { $0 << 8 | Int($1) }
            #expect((8 + headerLength) % 8 == 0)
            #expect(bytes[8 + headerLength - 1] == UInt8(ascii: "}") || bytes[8 + headerLength - 1] == UInt8(ascii: " "))
        }
    }

    @Test func layoutIsLittleEndianWithAbsoluteOffsetsFromTheBuffer() throws {
        let bytes = try SafeTensorsFile(tensors: ["x": Tensor(int32s: [1, 256])]).encoded()
        let header = #"{"x":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}"#
        #expect(bytes == raw(header, [1, 0, 0, 0, 0, 1, 0, 0]))
    }

    @Test func emptyContainerRoundTrips() throws {
        let file = try SafeTensorsFile()
        #expect(try SafeTensorsFile(decoding: file.encoded(), source: "empty") == file)
    }

    @Test func truncationAtEveryCutPointIsReportedNotACrash() throws {
        let bytes = try ModelFile.encode(ModelFileSamples.softmax(standardized: true, metadata: ModelFileSamples.metadata))
        var cuts = Array(0 ..< 24) + Array(stride(from: 24, to: bytes.count, by: max(1, bytes.count / 40)))
        cuts += [bytes.count - 8, bytes.count - 1]
        #expect(cuts.count > 40)
        for cut in cuts {
            do {
                _ = try SafeTensorsFile(decoding: Array(bytes[0 ..< cut]), source: "cut")
                Issue.record("a file cut at \(cut) of \(bytes.count) bytes was accepted")
            } catch {
                #expect(error.code == .truncated || error.code == .malformedHeader, "cut at \(cut): \(error)")
            }
        }
    }

    @Test func headerLengthBeyondTheFile() {
        var bytes = raw(#"{"__metadata__":{"a":"b"}}"#, [])
        bytes.replaceSubrange(0 ..< 8, with: ModelFileSamples.lengthPrefix(UInt64(bytes.count)))
        expectModelFileError(.truncated, "only") { () throws(ModelFileError) in
            _ = try SafeTensorsFile(decoding: bytes, source: "long")
        }
    }

    @Test func headerLengthOverTheLimit() {
        let bytes = ModelFileSamples.lengthPrefix(200_000_000) + Array("{}".utf8)
        expectModelFileError(.headerTooLarge, "exceeds the limit") { () throws(ModelFileError) in
            _ = try SafeTensorsFile(decoding: bytes, source: "huge")
        }
        let maximal = ModelFileSamples.lengthPrefix(.max) + Array("{}".utf8)
        expectModelFileError(.headerTooLarge, "exceeds the limit") { () throws(ModelFileError) in
            _ = try SafeTensorsFile(decoding: maximal, source: "huge")
        }
    }

    @Test(arguments: [
        (#"{not json}"#, "not valid JSON"),
        (#"{"a": }"#, "not valid JSON"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},}"#, "not valid JSON"),
        (#"[1, 2]"#, "header is an array, expected a JSON object"),
        (#""{}""#, "header is a string, expected a JSON object"),
        (#"{} x"#, "after the end"),
        (#"{"a":1, "a":2}"#, "duplicate key"),
        (#"{"k":"\ud800"}"#, "surrogate"),
        ("{\"k\":\"a\u{01}b\"}", "control character"),
        (#"{"__metadata__":{"a":1}}"#, "expected a string"),
        (#"{"__metadata__":{"a":null}}"#, "expected a string"),
        (#"{"__metadata__":"a"}"#, "expected an object of strings"),
        (#"{"__metadata__":["a"]}"#, "expected an object of strings"),
        (String(repeating: "{\"a\":", count: 100) + "1" + String(repeating: "}", count: 100), "nesting"),
    ])
    func malformedHeaders(header: String, phrase: String) {
        expectModelFileError(.malformedHeader, phrase) { () throws(ModelFileError) in
            _ = try SafeTensorsFile(decoding: raw(header, []), source: "bad")
        }
    }

    @Test func leniencyOfTheReferenceImplementation() throws {
        // Whitespace around the JSON object and a null __metadata__ are accepted by the reference.
        let header = #" {"__metadata__":null, "t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"# + "\n\t"
        let file = try SafeTensorsFile(decoding: raw(header, [5]), source: "lenient")
        #expect(file.metadata.isEmpty)
        #expect(try file["t"]?.uint8s() == [5])
        expectModelFileError(.malformedHeader, "header is empty") { () throws(ModelFileError) in
            _ = try SafeTensorsFile(decoding: ModelFileSamples.lengthPrefix(0), source: "empty")
        }
    }

    @Test func headerThatIsNotUTF8() {
        let bytes = ModelFileSamples.lengthPrefix(8) + [UInt8(ascii: "{"), 0xFF, 0xFE, UInt8(ascii: "}"), 32, 32, 32, 32]
        expectModelFileError(.malformedHeader, "UTF-8") { () throws(ModelFileError) in
            _ = try SafeTensorsFile(decoding: bytes, source: "utf8")
        }
    }

    @Test(arguments: [
        (#"{"t":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}"#, 4, "unknown dtype"),
        (#"{"t":{"dtype":3,"shape":[1],"data_offsets":[0,4]}}"#, 4, "expected a string"),
        (#"{"t":{"shape":[1],"data_offsets":[0,4]}}"#, 4, "missing dtype"),
        (#"{"t":{"dtype":"F32","data_offsets":[0,4]}}"#, 4, "missing shape"),
        (#"{"t":{"dtype":"F32","shape":[1]}}"#, 4, "missing data_offsets"),
        (#"{"t":[1]}"#, 0, "expected an object"),
        (#"{"t":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}"#, 12, "needs 16 bytes"),
        (#"{"t":{"dtype":"F64","shape":[1],"data_offsets":[0,4]}}"#, 4, "needs 8 bytes"),
        (#"{"t":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, 4, "non-negative integers"),
        (#"{"t":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}"#, 4, "non-negative integers"),
        (#"{"t":{"dtype":"F32","shape":"1","data_offsets":[0,4]}}"#, 4, "expected an array"),
        (#"{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}"#, 4, "expected 2"),
        (#"{"t":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, 4, "gap"),
        (#"{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 8, "cover the buffer exactly"),
        (#"{"t":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}"#, 4, "too many elements"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
         12, "overlap"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}}"#,
         16, "gap"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
         8, "overlap"),
    ])
    func badTensors(header: String, bufferLength: Int, phrase: String) {
        expectModelFileError(.badTensor, phrase) { () throws(ModelFileError) in
            _ = try SafeTensorsFile(decoding: raw(header, [UInt8](repeating: 0, count: bufferLength)), source: "bad")
        }
    }

    @Test func dataBeyondTheBufferIsTruncation() {
        let header = #"{"t":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#
        expectModelFileError(.truncated, "buffer has only 8 bytes") { () throws(ModelFileError) in
            _ = try SafeTensorsFile(decoding: raw(header, [UInt8](repeating: 0, count: 8)), source: "short")
        }
    }

    @Test func unknownKeysInATensorEntryAreIgnored() throws {
        let header = #"{"t":{"dtype":"U8","shape":[2],"data_offsets":[0,2],"extra":{"x":[1]}}}"#
        let file = try SafeTensorsFile(decoding: raw(header, [7, 9]), source: "extra")
        #expect(try file["t"]?.uint8s() == [7, 9])
    }

    @Test func typedAccessorsCheckTheDType() throws {
        let tensor = Tensor(int8s: [1, 2])
        expectModelFileError(.badTensor, "found dtype I8, expected F32") { () throws(ModelFileError) in
            _ = try tensor.floats()
        }
        expectModelFileError(.badTensor, "expected F32 or F64") { () throws(ModelFileError) in
            _ = try tensor.realValues()
        }
        expectModelFileError(.badTensor, "needs 8 bytes, found 3") { () throws(ModelFileError) in
            _ = try Tensor(dtype: .float32, shape: [2], bytes: [0, 0, 0])
        }
        expectModelFileError(.badTensor, "reserved for metadata") { () throws(ModelFileError) in
            _ = try SafeTensorsFile(tensors: ["__metadata__": tensor])
        }
    }

    @Test func missingFileAndFolder() {
        let folder = NSTemporaryDirectory()
        expectModelFileError(.fileNotFound, "no such file") { () throws(ModelFileError) in
            _ = try SafeTensorsFile.read(from: folder + "/does-not-exist-\(UUID().uuidString).safetensors")
        }
        expectModelFileError(.readFailed, "folder") { () throws(ModelFileError) in
            _ = try SafeTensorsFile.read(from: folder)
        }
    }
}
