import Foundation
import Testing
import TestSupport
@testable import ShardTrain

/// Exported ONNX files run in ONNX Runtime and give our answers: probabilities within 1e-5,
/// the same labels. Needs `python3` with `onnxruntime` and `numpy` (Scripts/test installs them);
/// without them these tests fail rather than pass silently.
@Suite struct ONNXInteropTests {
    /// Runs the exported model in ONNX Runtime on `features` and checks its outputs against ours.
    static func check(_ model: LinearModel, on test: Dataset, name: String) throws {
        let folder = Fixtures.scratchDirectory("onnx-\(name)")
        let onnx = folder + "/model.onnx"
        try ONNXExport.write(model, to: onnx)
        var matrix: DenseMatrix
        switch test.features {
        case .dense(let m): matrix = m
        case .sparse(let m): matrix = m.densified()
        }
        if matrix.columns < model.featureCount {
            // A test file may stop before the last feature: pad with zero columns.
            var padded = try DenseMatrix(rows: matrix.rows, columns: model.featureCount)
            for i in 0 ..< matrix.rows { for j in 0 ..< matrix.columns { padded[i, j] = matrix[i, j] } }
            matrix = padded
        }
        try NPYWriter.write(matrix, to: folder + "/features.npy")
        try NPYWriter.write(try model.probabilities(.dense(matrix)), to: folder + "/expected.npy")
        try NPYWriter.write(try model.predict(.dense(matrix)), to: folder + "/labels.npy")
        try NPYWriter.write(try model.margins(.dense(matrix)), to: folder + "/margins.npy")
        let script = """
            import sys
            import numpy as np
            import onnxruntime as ort
            folder, kind, outputs = sys.argv[1], sys.argv[2], int(sys.argv[3])
            session = ort.InferenceSession(folder + "/model.onnx", providers=["CPUExecutionProvider"])
            assert [i.name for i in session.get_inputs()] == ["features"], session.get_inputs()
            x = np.load(folder + "/features.npy")
            expected = np.load(folder + "/expected.npy").reshape(len(x), -1)
            names = [o.name for o in session.get_outputs()]
            results = dict(zip(names, session.run(None, {"features": x})))
            if kind == "linear":
                got = results["prediction"]
                scale = max(1.0, float(np.abs(expected).max()))
                worst = float(np.abs(got.reshape(expected.shape) - expected).max()) / scale
                print(f"largest difference {worst:.3g}")
                assert worst <= 1e-5, worst
            else:
                got = results["probability" if kind == "logistic" else "probabilities"].reshape(expected.shape)
                worst = float(np.abs(got - expected).max())
                labels = np.load(folder + "/labels.npy")
                margins = np.load(folder + "/margins.npy").reshape(len(x), -1)
                # Rows whose margins tie within float32 rounding may go either way.
                if kind == "logistic":
                    clear = np.abs(margins[:, 0]) > 1e-4
                else:
                    top = np.sort(margins, axis=1)
                    clear = (top[:, -1] - top[:, -2]) > 1e-4
                differ = int(((results["label"].reshape(-1) != labels) & clear).sum())
                print(f"largest difference {worst:.3g}, {differ} labels differ, {int((~clear).sum())} ties")
                assert worst <= 1e-5, worst
                assert differ == 0, differ
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [ExternalTool.python, "-c", script, folder, model.kind.rawValue, String(model.outputs)]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "ONNX Runtime on \(name) (needs python3 with onnxruntime and numpy): \(output)")
    }

    @Test func logisticA9AMatchesInONNXRuntime() throws {
        let (train, test) = try Datasets.a9a()
        let model = try Trainer(TrainingConfiguration(kind: .logistic)).fit(train)
        try Self.check(model, on: test, name: "a9a")
    }

    @Test func softmaxDNAMatchesInONNXRuntime() throws {
        let (train, test) = try Datasets.dna()
        let model = try Trainer(TrainingConfiguration(kind: .softmax)).fit(train)
        try Self.check(model, on: test, name: "dna")
    }

    /// Int8 models export in QDQ form; ONNX Runtime dequantizes the same weights, so its
    /// probabilities are ours (weight-only int8, float inputs) and its labels identical.
    @Test func int8ModelsRunInQDQFormInONNXRuntime() throws {
        let (a9a, a9aTest) = try Datasets.a9a()
        let logistic = try Trainer(TrainingConfiguration(kind: .logistic)).fit(a9a)
        try Self.check(try Quantization(granularity: .perTensor).apply(to: logistic), on: a9aTest, name: "a9a-int8")
        let (dna, dnaTest) = try Datasets.dna()
        let softmax = try Trainer(TrainingConfiguration(kind: .softmax)).fit(dna)
        try Self.check(try Quantization(granularity: .perChannel).apply(to: softmax), on: dnaTest, name: "dna-int8")
    }

    @Test func linearCalHousingMatchesInONNXRuntime() throws {
        let data = try Datasets.calHousing()
        var configuration = TrainingConfiguration(kind: .linear)
        configuration.l2Penalty = 0
        let model = try Trainer(configuration).fit(data)
        try Self.check(model, on: data.rows(at: Array(0 ..< 2000)), name: "cal_housing")
        // Int8 in the standardized space: DequantizeLinear, then Mul by 1 / feature_scale.
        let int8 = try Quantization().apply(to: model)
        #expect(int8.quantization?.standardization != nil)
        try Self.check(int8, on: data.rows(at: Array(0 ..< 2000)), name: "cal_housing-int8")
    }
}
