import Foundation
import Testing
import TestSupport
@testable import ShardTrain

/// Files written here must open in the reference Python implementation (`safetensors` with
/// NumPy), and files it writes must open here. Needs `python3` with `safetensors` and `numpy`
/// (installed by Scripts/test); without them these tests fail rather than pass silently.
@Suite struct SafeTensorsInteropTests {
    /// Runs `python3 -c script arguments…`; returns the exit status and the combined output.
    private static func python(_ script: String, _ arguments: [String] = []) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [ExternalTool.python, "-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// Records a failure (and returns false) when Python's `safetensors` cannot be imported.
    private static func requirePythonSafetensors() -> Bool {
        let result = try? python("import safetensors.numpy, numpy")
        guard let result, result.status == 0 else {
            Issue.record("""
                python3 with the 'safetensors' and 'numpy' packages is required for the interop tests; \
                run Scripts/test (it installs them), or `python3 -m pip install safetensors numpy`. \
                Output: \(result?.output ?? "python3 could not be started")
                """)
            return false
        }
        return true
    }

    @Test func pythonReadsOurModelFile() throws {
        guard Self.requirePythonSafetensors() else { return }
        let model = ModelFileSamples.softmax(standardized: true, metadata: ModelFileSamples.metadata)
        let path = Fixtures.scratchDirectory("interop") + "/softmax.safetensors"
        try ModelFile.write(model, to: path)
        let expected = "{\"weight\": \(model.weights), \"bias\": \(model.intercepts), \"mean\": \(model.standardization?.means ?? [])}"
        let script = """
            import json, sys
            import numpy as np
            from safetensors import safe_open
            from safetensors.numpy import load_file
            path, expected = sys.argv[1], json.loads(sys.argv[2])
            tensors = load_file(path)
            assert sorted(tensors) == ["bias", "feature_mean", "feature_scale", "weight"], sorted(tensors)
            w, b = tensors["weight"], tensors["bias"]
            assert w.dtype == np.float32 and w.shape == (3, 4), (w.dtype, w.shape)
            assert b.dtype == np.float32 and b.shape == (3,), (b.dtype, b.shape)
            assert np.array_equal(w, np.array(expected["weight"], dtype=np.float32).reshape(3, 4)), w
            assert np.array_equal(b, np.array(expected["bias"], dtype=np.float32)), b
            assert tensors["feature_mean"].dtype == np.float64
            assert np.array_equal(tensors["feature_mean"], np.array(expected["mean"])), tensors["feature_mean"]
            with safe_open(path, framework="np") as f:
                meta = f.metadata()
            assert meta["format"] == "shardtrain-model", meta
            assert meta["format_version"] == "1" and meta["model_kind"] == "softmax", meta
            assert json.loads(meta["classes"]) == [0, 1, 2.5], meta["classes"]
            summary = json.loads(meta["training_summary"])
            assert summary["stop_reason"] == "gradient-tolerance" and summary["iterations"] == 12, summary
            assert json.loads(meta["metrics"])["auc"] == 0.95, meta["metrics"]
            assert meta["user.note"] == 'ünïcödé "quoted" \\\\ and\\nnewline', repr(meta["user.note"])
            print("ok")
            """
        let result = try Self.python(script, [path, expected])
        #expect(result.status == 0, "python failed:\n\(result.output)")
        #expect(result.output.contains("ok"))
    }

    @Test func weReadWhatNumpyWrites() throws {
        guard Self.requirePythonSafetensors() else { return }
        let path = Fixtures.scratchDirectory("interop") + "/numpy.safetensors"
        let script = """
            import sys
            import numpy as np
            from safetensors.numpy import save_file
            save_file({
                "matrix": np.arange(6, dtype=np.float32).reshape(2, 3) / 4,
                "doubles": np.array([1e-300, -2.5, np.pi]),
                "int8": np.array([-128, -1, 0, 127], dtype=np.int8),
                "int32": np.array([[-(2**31), 7], [2**31 - 1, 0]], dtype=np.int32),
                "int64": np.array([2**40], dtype=np.int64),
                "bytes": np.array([0, 255], dtype=np.uint8),
                "scalar": np.array(3.5, dtype=np.float32),
                "empty": np.zeros((0, 4), dtype=np.float32),
            }, sys.argv[1], metadata={"source": "numpy", "ünï": "cödé"})
            """
        let result = try Self.python(script, [path])
        try #require(result.status == 0, "python failed:\n\(result.output)")

        let file = try SafeTensorsFile.read(from: path)
        #expect(file.metadata == ["source": "numpy", "ünï": "cödé"])
        #expect(file["matrix"]?.shape == [2, 3])
        #expect(try file["matrix"]?.floats() == [0, 0.25, 0.5, 0.75, 1, 1.25])
        #expect(try file["doubles"]?.doubles() == [1e-300, -2.5, .pi])
        #expect(try file["int8"]?.int8s() == [-128, -1, 0, 127])
        #expect(file["int32"]?.shape == [2, 2])
        #expect(try file["int32"]?.int32s() == [Int32.min, 7, Int32.max, 0])
        #expect(try file["int64"]?.int64s() == [1 << 40])
        #expect(try file["bytes"]?.uint8s() == [0, 255])
        #expect(file["scalar"]?.shape == [])
        #expect(try file["scalar"]?.floats() == [3.5])
        #expect(file["empty"]?.shape == [0, 4])
        #expect(file["empty"]?.bytes.isEmpty == true)
    }

    /// Sparse files (format version 2), with U16 and I32 indices, read back with the recipe of
    /// docs/model-file.md §5 into the dense matrix ShardTrain holds.
    @Test(arguments: [(3, 200), (1, 70_000)])
    func pythonReadsOurSparseModelFile(outputs: Int, features: Int) throws {
        guard Self.requirePythonSafetensors() else { return }
        var generator = SeededGenerator(seed: 11)
        let weights = (0 ..< outputs * features).map { _ in generator.nextUnit() < 0.9 ? 0 : generator.nextGaussian() }
        let model = LinearModel(kind: outputs == 1 ? .logistic : .softmax, featureCount: features, weights: weights,
                                intercepts: (0 ..< outputs).map { Double($0) / 4 - 0.3 },
                                classes: outputs == 1 ? [-1, 1] : (0 ..< outputs).map(Double.init),
                                standardization: nil, summary: ModelFileSamples.summary)
        let path = Fixtures.scratchDirectory("interop") + "/sparse-\(features).safetensors"
        try ModelFile.write(model, to: path)
        #expect(ModelFile.weightStorage(for: model) == .sparse)
        let stored = weights.map { Double(Float($0)) }
        let nonZeros = stored.enumerated().filter { $0.element != 0 }
        let expected = "{\"nnz\": \(nonZeros.count), \"sum\": \(stored.reduce(0, +)), \"first\": [\(nonZeros[0].offset), \(nonZeros[0].element)], "
            + "\"last\": [\(nonZeros[nonZeros.count - 1].offset), \(nonZeros[nonZeros.count - 1].element)], "
            + "\"index_dtype\": \"\(features * outputs <= 65_536 ? "uint16" : "int32")\"}"
        let script = """
            import json, sys
            import numpy as np
            from safetensors import safe_open
            from safetensors.numpy import load_file
            path, expected = sys.argv[1], json.loads(sys.argv[2])
            with safe_open(path, framework="np") as f:
                meta = f.metadata()
            assert meta["format_version"] == "2" and meta["weight_storage"] == "sparse", meta
            tensors = load_file(path)
            assert sorted(tensors) == ["bias", "weight_indices", "weight_values"], sorted(tensors)
            K, D = int(meta["outputs"]), int(meta["feature_count"])
            idx = tensors["weight_indices"]
            assert idx.dtype == np.dtype(expected["index_dtype"]), idx.dtype
            assert tensors["weight_values"].dtype == np.float32
            W = np.zeros(K * D, dtype=np.float32)
            W[idx.astype(np.int64)] = tensors["weight_values"]
            W = W.reshape(K, D)
            flat = W.reshape(-1)
            assert np.count_nonzero(W) == expected["nnz"], np.count_nonzero(W)
            assert abs(W.astype(np.float64).sum() - expected["sum"]) <= 1e-9 * max(1.0, abs(expected["sum"])), W.sum()
            for position, value in (expected["first"], expected["last"]):
                assert flat[int(position)] == np.float32(value), (position, flat[int(position)], value)
            print("ok")
            """
        let result = try Self.python(script, [path, expected])
        #expect(result.status == 0, "python failed:\n\(result.output)")
        #expect(result.output.contains("ok"))
        let loaded = try ModelFile.read(from: path)
        #expect(loaded.weights == stored)
    }

    /// The recipe of docs/model-file.md for writing a model from another language.
    @Test func weReadAModelWrittenByPython() throws {
        guard Self.requirePythonSafetensors() else { return }
        let path = Fixtures.scratchDirectory("interop") + "/python-logistic.safetensors"
        let script = """
            import json, sys
            import numpy as np
            from safetensors.numpy import save_file
            summary = {"optimizer": "sklearn", "iterations": 5, "passes": 5.0, "stop_reason": "gradient-tolerance",
                       "objective": 1.5, "objective_history": [2.0, 1.5], "gradient_norm": 1e-6,
                       "train_seconds": 0.01, "workers": 1}
            save_file({"weight": np.array([[0.5, -0.25]], dtype=np.float32),
                       "bias": np.array([0.125], dtype=np.float32)},
                      sys.argv[1],
                      metadata={"format": "shardtrain-model", "format_version": "1", "model_kind": "logistic",
                                "feature_count": "2", "outputs": "1", "classes": json.dumps([0, 1]),
                                "created_by": "python", "training_summary": json.dumps(summary),
                                "user.origin": "scikit-learn"})
            """
        let result = try Self.python(script, [path])
        try #require(result.status == 0, "python failed:\n\(result.output)")
        let model = try ModelFile.read(from: path, expecting: .logistic)
        #expect(model.featureCount == 2)
        #expect(model.weights == [0.5, -0.25])
        #expect(model.intercepts == [0.125])
        #expect(model.classes == [0, 1])
        #expect(model.standardization == nil)
        #expect(model.summary.optimizer == "sklearn")
        #expect(model.summary.objectiveHistory == [2, 1.5])
        #expect(model.metadata == ["origin": "scikit-learn"])
    }

    /// Quantized files (dense I8 per-channel with int8 inputs; sparse I8 per-tensor): Python
    /// reads them and dequantizes them as docs/model-file.md says, to the weights we hold.
    @Test func pythonDequantizesOurInt8Files() throws {
        guard Self.requirePythonSafetensors() else { return }
        let calibration = FeatureMatrix.dense(try DenseMatrix(rows: 2, columns: 4, values: [-1, 0, 2, 3, 0.5, 1, 0, -0.25]))
        let dense = try Quantization(granularity: .perChannel, inputCalibration: .minMax)
            .apply(to: ModelFileSamples.softmax(), calibration: calibration)
        let sparseWeights = (0 ..< 300).map { $0 % 25 == 4 ? Double($0) / 40 - 3 : 0 }
        let sparse = try Quantization().apply(to: LinearModel(kind: .linear, featureCount: 300, weights: sparseWeights, intercepts: [1],
                                                              classes: [], standardization: nil, summary: ModelFileSamples.summary))
        let script = """
            import json, sys
            import numpy as np
            from safetensors import safe_open
            from safetensors.numpy import load_file
            path, expected, layout = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
            with safe_open(path, framework="np") as f:
                meta = f.metadata()
            assert meta["format_version"] == "3" and meta["weight_dtype"] == "I8", meta
            t = load_file(path)
            K, D = int(meta["outputs"]), int(meta["feature_count"])
            scale = t["weight_scale"].astype(np.float64)
            assert t["weight_scale"].dtype == np.float32
            if meta["weight_storage"] == "sparse":
                assert layout == "sparse" and t["weight_values"].dtype == np.int8, t["weight_values"].dtype
                q = np.zeros(K * D, dtype=np.int8)
                q[t["weight_indices"].astype(np.int64)] = t["weight_values"]
                q = q.reshape(K, D)
            else:
                assert layout == "dense" and t["weight"].dtype == np.int8 and t["weight"].shape == (K, D)
                q = t["weight"]
            W = q.astype(np.float64) * (scale.reshape(-1, 1) if scale.ndim == 1 else scale)
            assert np.array_equal(W, np.array(expected["weight"]).reshape(K, D)), (W, expected["weight"])
            if "input_scale" in t:
                assert t["input_zero_point"].dtype == np.int8 and t["input_zero_point"].shape == ()
                assert float(t["input_scale"]) == expected["input_scale"], (float(t["input_scale"]), expected["input_scale"])
                assert int(t["input_zero_point"]) == expected["input_zero_point"]
            print("ok")
            """
        for (model, layout) in [(dense, "dense"), (sparse, "sparse")] {
            let path = Fixtures.scratchDirectory("interop-int8") + "/\(layout).safetensors"
            try ModelFile.write(model, to: path)
            let input = model.quantization?.input
            let expected = "{\"weight\": \(model.weights), \"input_scale\": \(Double(input?.scale ?? 0)), "
                + "\"input_zero_point\": \(input?.zeroPoint ?? 0)}"
            let result = try Self.python(script, [path, expected, layout])
            #expect(result.status == 0, "python failed on the \(layout) file:\n\(result.output)")
            #expect(result.output.contains("ok"))
        }
    }
}
