import Foundation
import Testing
import TestSupport

/// `shardtrain serve`, as clients use it: a real server process, curl, tritonclient, promtool.
@Suite(.serialized) struct CLIServeTests {
    /// Trains an a9a model into `folder` and returns its path.
    static func a9aModel(_ folder: String, name: String = "a9a.model", l2: String = "1") throws -> String {
        let path = folder + "/" + name
        let run = try CLI.run(["train", "--model", "logistic", "--data", "datasets/a9a", "--l2", l2, "--quiet", "--output", path])
        #expect(run.status == 0, "\(run.stderr)")
        return path
    }

    /// The first `count` rows of a9a.t, with `predict --probabilities` on them.
    static func predictions(model: String, folder: String, count: Int) throws -> [(label: Double, p: [Double])] {
        let subset = folder + "/subset.svm"
        try (LIBSVMRows.lines("datasets/a9a.t", limit: count).joined(separator: "\n") + "\n")
            .write(toFile: subset, atomically: true, encoding: .utf8)
        let run = try CLI.run(["predict", "--model", model, "--data", subset, "--features", "123", "--probabilities"])
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout.split(separator: "\n").map { line in
            let fields = line.split(separator: " ").compactMap { Double($0) }
            return (fields[0], Array(fields.dropFirst()))
        }
    }

    @Test func bothProtocolsGiveThePredictionsOfPredict() throws {
        let folder = Fixtures.scratchDirectory("serve-predict")
        let model = try Self.a9aModel(folder)
        let expected = try Self.predictions(model: model, folder: folder, count: 40)
        let server = try ServerProcess(["--model", "a9a=" + model])
        defer { server.stop() }
        let rows = try LIBSVMRows.dense("datasets/a9a.t", features: 123, limit: 40)

        let infer = try HTTP.post(server.base + "/v2/models/a9a/infer", json: LIBSVMRows.kserve(rows, extra: ",\"id\":\"r1\""))
        #expect(infer.status == 200, "\(infer.text)")
        #expect(infer.json["model_name"] as? String == "a9a" && infer.json["model_version"] as? String == "1")
        #expect(infer.json["id"] as? String == "r1")
        #expect(infer.text.contains("{\"name\":\"label\",\"datatype\":\"FP64\",\"shape\":[40]"))
        #expect(infer.text.contains("{\"name\":\"probabilities\",\"datatype\":\"FP64\",\"shape\":[40,2]"))
        #expect(infer.numbers(after: "\"data\":", occurrence: 0) == expected.map(\.label))
        #expect(infer.numbers(after: "\"data\":", occurrence: 1) == expected.flatMap(\.p))

        // TF Serving REST: dense rows, and sparse rows as {"index": value} (LIBSVM's 1-based indices).
        let dense = "{\"instances\":[" + rows.prefix(5).map { "[" + $0.map { "\($0)" }.joined(separator: ",") + "]" }.joined(separator: ",") + "]}"
        let tf = try HTTP.post(server.base + "/v1/models/a9a:predict", json: dense)
        #expect(tf.status == 200, "\(tf.text)")
        for (i, row) in expected.prefix(5).enumerated() {
            #expect(tf.numbers(after: "\"probabilities\":", occurrence: i) == row.p)
        }
        let predictions = try #require(tf.json["predictions"] as? [[String: Any]])
        #expect(predictions.map { $0["label"] as? Double } == expected.prefix(5).map(\.label))
        let sparseRows = try LIBSVMRows.lines("datasets/a9a.t", limit: 5).map { line in
            "{" + line.split(separator: " ").dropFirst().map { pair -> String in
                let parts = pair.split(separator: ":")
                return "\"\(parts[0])\":\(parts[1])"
            }.joined(separator: ",") + "}"
        }
        let sparse = try HTTP.post(server.base + "/v1/models/a9a/versions/1:predict", json: "{\"instances\":[\(sparseRows.joined(separator: ","))]}")
        #expect(sparse.status == 200, "\(sparse.text)")
        #expect((sparse.json["predictions"] as? [[String: Any]])?.map { $0["label"] as? Double } == expected.prefix(5).map(\.label))

        // Health and metadata.
        #expect(try HTTP.get(server.base + "/v2/health/live").status == 200)
        #expect(try HTTP.get(server.base + "/v2/health/ready").status == 200)
        #expect(try HTTP.get(server.base + "/v2/models/a9a/ready").status == 200)
        #expect(try HTTP.get(server.base + "/v2/models/a9a/versions/1/ready").status == 200)
        let server2 = try HTTP.get(server.base + "/v2")
        #expect(server2.json["name"] as? String == "shardtrain")
        let metadata = try HTTP.get(server.base + "/v2/models/a9a")
        #expect(metadata.json["versions"] as? [String] == ["1"])
        let inputs = try #require(metadata.json["inputs"] as? [[String: Any]])
        #expect(inputs.first?["datatype"] as? String == "FP32" && inputs.first?["shape"] as? [Int] == [-1, 123])
        let status = try HTTP.get(server.base + "/v1/models/a9a")
        #expect((status.json["model_version_status"] as? [[String: Any]])?.first?["state"] as? String == "AVAILABLE")
    }

    @Test func everyBadRequestGetsItsStatusAndAMessage() throws {
        let folder = Fixtures.scratchDirectory("serve-errors")
        let model = try Self.a9aModel(folder)
        let server = try ServerProcess(["--model", "a9a=" + model, "--max-body-bytes", "20000"])
        defer { server.stop() }
        let row = try LIBSVMRows.dense("datasets/a9a.t", features: 123, limit: 1)
        let infer = server.base + "/v2/models/a9a/infer"
        let cases: [(String, HTTP.Reply, Int, String)] = [
            ("unknown model", try HTTP.post(server.base + "/v2/models/nope/infer", json: LIBSVMRows.kserve(row)), 404,
             "model \"nope\" is not served here (served: a9a)"),
            ("unknown version", try HTTP.post(server.base + "/v2/models/a9a/versions/7/infer", json: LIBSVMRows.kserve(row)), 404,
             "model \"a9a\" has no version 7 (versions: 1)"),
            ("unknown TF version", try HTTP.get(server.base + "/v1/models/a9a/versions/3"), 404, "model \"a9a\" has no version 3"),
            ("malformed JSON", try HTTP.post(infer, json: "{\"inputs\": [}"), 400, "malformed JSON at byte 12"),
            ("not an object", try HTTP.post(infer, json: "[1, 2]"), 400, "the request body must be a JSON object, got an array"),
            ("no inputs", try HTTP.post(infer, json: "{}"), 400, "the request needs \"inputs\""),
            ("wrong feature count", try HTTP.post(infer, json: LIBSVMRows.kserve([Array(row[0].prefix(100))])), 400,
             "has shape [1, 100]; this model takes 123 features"),
            ("data shorter than the shape",
             try HTTP.post(infer, json: "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,123],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}"), 400,
             "input \"x\" has 3 values; shape [2, 123] needs 246"),
            ("NaN", try HTTP.post(infer, json: LIBSVMRows.kserve(row).replacingOccurrences(of: "[1.0,", with: "[\"NaN\",")), 400,
             "is NaN: NaN and infinite inputs are refused"),
            ("a string", try HTTP.post(infer, json: LIBSVMRows.kserve(row).replacingOccurrences(of: "[1.0,", with: "[\"a\",")), 400,
             "input \"input\" value 1 is a string, expected a number"),
            ("wrong datatype", try HTTP.post(infer, json: LIBSVMRows.kserve(row).replacingOccurrences(of: "FP32", with: "INT64")), 400,
             "input \"input\" has datatype INT64; this model takes FP32 (or FP64)"),
            ("unknown output", try HTTP.post(infer, json: LIBSVMRows.kserve(row, extra: ",\"outputs\":[{\"name\":\"margin\"}]")), 400,
             "model \"a9a\" has no output \"margin\" (outputs: label, probabilities)"),
            ("too large", try HTTP.post(infer, json: LIBSVMRows.kserve(Array(repeating: row[0], count: 100))), 413,
             "the limit is 20000 (--max-body-bytes)"),
            ("TF rows of the wrong length", try HTTP.post(server.base + "/v1/models/a9a:predict", json: "{\"instances\":[[1,2,3]]}"), 400,
             "instances[0] has 3 values; this model takes 123 features"),
            ("TF sparse index out of range", try HTTP.post(server.base + "/v1/models/a9a:predict", json: "{\"instances\":[{\"500\":1}]}"), 400,
             "instances[0] has feature 500; this model takes 123 features"),
            ("TF sparse index not a number", try HTTP.post(server.base + "/v1/models/a9a:predict", json: "{\"instances\":[{\"x\":1}]}"), 400,
             "keys are feature indices from 1 to 123"),
            ("TF no instances", try HTTP.post(server.base + "/v1/models/a9a:predict", json: "{\"rows\":[]}"), 400,
             "the request needs \"instances\""),
            ("unknown path", try HTTP.get(server.base + "/v3/models"), 404, "no endpoint at /v3/models"),
            ("wrong method", try HTTP.get(infer), 405, "/v2/models/a9a/infer takes POST, not GET"),
            ("bad version", try HTTP.get(server.base + "/v2/models/a9a/versions/x"), 400, "version \"x\" is not a version number"),
        ]
        for (what, reply, status, message) in cases {
            #expect(reply.status == status, "\(what): \(reply.status) \(reply.text)")
            #expect(reply.error.contains(message), "\(what): \(reply.text)")
        }
        // Binary input with a NaN: the binary tensor extension is checked as strictly as JSON.
        var bytes = Data()
        for (j, value) in row[0].enumerated() { withUnsafeBytes(of: (j == 4 ? Float.nan : value).bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        let header = Data("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,123],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":492}}]}".utf8)
        let binary = try HTTP.send("POST", infer, body: header + bytes, headers: ["Inference-Header-Content-Length: \(header.count)"])
        #expect(binary.status == 400 && binary.error.contains("row 1, feature 5 is nan"), "\(binary.text)")
        // The server is still up and counts what it refused.
        #expect(try HTTP.get(server.base + "/v2/health/live").status == 200)
        let metrics = try HTTP.get(server.base + "/metrics").text
        #expect(metrics.contains("shardtrain_requests_total{model=\"a9a\",endpoint=\"v2_infer\",status=\"400\"}"))
        #expect(metrics.contains("shardtrain_requests_total{model=\"\",endpoint=\"v2_infer\",status=\"404\"} 1"))
    }

    @Test func metricsPassPromtoolAndTritonClientAgreesWithPredict() throws {
        let folder = Fixtures.scratchDirectory("serve-clients")
        let model = try Self.a9aModel(folder)
        let expected = try Self.predictions(model: model, folder: folder, count: 20)
        let server = try ServerProcess(["--model", "a9a=" + model])
        defer { server.stop() }
        // tritonclient[http], with its defaults: binary input and binary outputs.
        let script = """
        import json, sys, numpy as np, tritonclient.http as http
        url, path = sys.argv[1], sys.argv[2]
        rows = []
        for line in open(path).read().split("\\n")[:20]:
            x = np.zeros(123, dtype=np.float32)
            for pair in line.split()[1:]:
                i, v = pair.split(":"); x[int(i) - 1] = float(v)
            rows.append(x)
        client = http.InferenceServerClient(url=url)
        assert client.is_server_live() and client.is_server_ready() and client.is_model_ready("a9a")
        meta = client.get_model_metadata("a9a")
        tensor = http.InferInput("input", [20, 123], "FP32")
        tensor.set_data_from_numpy(np.stack(rows))
        result = client.infer("a9a", [tensor])
        json_tensor = http.InferInput("input", [20, 123], "FP32")
        json_tensor.set_data_from_numpy(np.stack(rows), binary_data=False)
        as_json = client.infer("a9a", [json_tensor], outputs=[http.InferRequestedOutput("label", binary_data=False)])
        print("versions", *meta["versions"])
        print("labels", *map(repr, result.as_numpy("label").tolist()))
        print("probabilities", *map(repr, result.as_numpy("probabilities").flatten().tolist()))
        print("json_labels", *map(repr, as_json.as_numpy("label").tolist()))
        """
        let run = try ExternalTool.run(ExternalTool.python, ["-c", script, "127.0.0.1:\(server.port)", "datasets/a9a.t"])
        #expect(run.status == 0, "tritonclient: \(run.stderr)")
        var reply: [String: [String]] = [:]
        for line in run.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            if let key = fields.first { reply[key] = Array(fields.dropFirst()) }
        }
        #expect(reply["versions"] == ["1"])
        #expect(reply["labels"]?.compactMap(Double.init) == expected.map(\.label))
        #expect(reply["json_labels"]?.compactMap(Double.init) == expected.map(\.label))
        #expect(reply["probabilities"]?.compactMap(Double.init) == expected.flatMap(\.p))

        // Prometheus's own linter accepts the exposition.
        let metrics = try HTTP.get(server.base + "/metrics")
        #expect(metrics.status == 200)
        for name in ["shardtrain_requests_total", "shardtrain_request_duration_seconds_bucket", "shardtrain_request_rows_bucket",
                     "shardtrain_predictions_total", "shardtrain_prediction_score_bucket", "shardtrain_model_load_seconds",
                     "shardtrain_model_info{model=\"a9a\",version=\"1\",kind=\"logistic\",features=\"123\"} 1",
                     "process_resident_memory_bytes", "shardtrain_feature_psi", "shardtrain_score_psi"] {
            #expect(metrics.text.contains(name), "missing \(name)")
        }
        let file = folder + "/metrics.txt"
        try metrics.body.write(to: URL(fileURLWithPath: file))
        #expect(ExternalTool.isAvailable("promtool"), "promtool (Debian package prometheus) is needed; Scripts/test installs it")
        let lint = try ExternalTool.run("sh", ["-c", "promtool check metrics < " + file])
        #expect(lint.status == 0, "promtool: \(lint.stdout) \(lint.stderr)")
    }

    @Test func hotReloadSwapsNewVersionsInAndRefusesBadFiles() throws {
        let folder = Fixtures.scratchDirectory("serve-reload")
        let first = try Self.a9aModel(folder, name: "first.model", l2: "1")
        let second = try Self.a9aModel(folder, name: "second.model", l2: "100")
        let versions = folder + "/a9a"
        try FileManager.default.createDirectory(atPath: versions + "/1", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: first, toPath: versions + "/1/model.st")
        let single = folder + "/single.model"
        try FileManager.default.copyItem(atPath: first, toPath: single)
        let server = try ServerProcess(["--model-dir", versions, "--model", "one=" + single, "--poll-interval", "0.1"])
        defer { server.stop() }
        let row = LIBSVMRows.kserve(try LIBSVMRows.dense("datasets/a9a.t", features: 123, limit: 3))
        func latest(_ model: String = "a9a") throws -> String? {
            try HTTP.post(server.base + "/v2/models/\(model)/infer", json: row).json["model_version"] as? String
        }
        #expect(try latest() == "1")
        // A new version folder, its file put in place by rename: served within 2 s.
        try FileManager.default.createDirectory(atPath: versions + "/2", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: second, toPath: versions + "/2/.incoming")
        try FileManager.default.moveItem(atPath: versions + "/2/.incoming", toPath: versions + "/2/model.st")
        let start = Date()
        while try latest() != "2", Date().timeIntervalSince(start) < 2 { Thread.sleep(forTimeInterval: 0.05) }
        #expect(try latest() == "2", "not swapped within 2 s")
        #expect(try HTTP.post(server.base + "/v2/models/a9a/versions/1/infer", json: row).status == 200)
        // A bad file as version 3: refused, version 2 keeps serving.
        try FileManager.default.createDirectory(atPath: versions + "/3", withIntermediateDirectories: true)
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: versions + "/3/model.st"))
        #expect(Self.waitUntil { server.log.contains("refused \(versions)/3/model.st") }, "\(server.log)")
        #expect(try latest() == "2")
        // A single file overwritten in place with garbage, then with a good model: the garbage is
        // refused, the good one is served as the next version.
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: single))
        #expect(Self.waitUntil { server.log.contains("refused \(single)") }, "\(server.log)")
        #expect(try latest("one") == "1")
        try FileManager.default.removeItem(atPath: single)
        try FileManager.default.copyItem(atPath: second, toPath: single)
        let again = Date()
        while try latest("one") != "2", Date().timeIntervalSince(again) < 2 { Thread.sleep(forTimeInterval: 0.05) }
        #expect(try latest("one") == "2")
        let metrics = try HTTP.get(server.base + "/metrics").text
        #expect(metrics.contains("shardtrain_model_reloads_total{model=\"a9a\",result=\"refused\"} 1"))
        #expect(metrics.contains("shardtrain_model_reloads_total{model=\"one\",result=\"refused\"} 1"))
        // A removed version folder is no longer served.
        try FileManager.default.removeItem(atPath: versions + "/1")
        #expect(Self.waitUntil { (try? HTTP.post(server.base + "/v2/models/a9a/versions/1/infer", json: row).status) == 404 })
    }

    /// Polls `condition` every 50 ms for up to `seconds`.
    static func waitUntil(_ seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }

    @Test func driftIsStableOnA9ATAndSignificantWhenAFeatureIsScaled() throws {
        let folder = Fixtures.scratchDirectory("serve-drift")
        let model = try Self.a9aModel(folder)
        let cal = folder + "/cal.model"
        let trainCal = try CLI.run(["train", "--model", "linear", "--data", "datasets/cal_housing.data", "--format", "csv",
                                    "--header", "no", "--quiet", "--output", cal])
        #expect(trainCal.status == 0, "\(trainCal.stderr)")
        let server = try ServerProcess(["--model", "a9a=" + model, "--model", "cal=" + cal, "--drift-window", "5000",
                                        "--poll-interval", "0.1"])
        defer { server.stop() }
        // All of a9a.t, 1,000 rows a request.
        let rows = try LIBSVMRows.dense("datasets/a9a.t", features: 123, limit: 20_000)
        for start in stride(from: 0, to: rows.count, by: 1_000) {
            let reply = try HTTP.post(server.base + "/v2/models/a9a/infer", json: LIBSVMRows.kserve(Array(rows[start ..< min(start + 1_000, rows.count)])))
            #expect(reply.status == 200)
        }
        let stable = try HTTP.get(server.base + "/v2/models/a9a/drift").json
        #expect(stable["window_rows"] as? Int == 5_000)
        let psi = try #require((stable["features"] as? [[String: Any]])?.compactMap { $0["psi"] as? Double })
        #expect(psi.count == 123 && psi.allSatisfy { $0 < 0.1 }, "largest PSI \(psi.max() ?? -1)")
        #expect(((stable["score"] as? [String: Any])?["psi"] as? Double ?? 1) < 0.1)

        // cal_housing rows (every third: the file is ordered by place) with median income
        // (feature 8) tripled.
        let lines = try String(contentsOfFile: "datasets/cal_housing.data", encoding: .utf8).split(separator: "\n")
        let shifted = lines.enumerated().filter { $0.offset % 3 == 0 }.prefix(6_000).map(\.element).map { line -> [Float] in
            var values = line.split(separator: ",").dropLast().compactMap { Float($0) }
            values[7] *= 3
            return values
        }
        for start in stride(from: 0, to: shifted.count, by: 1_000) {
            #expect(try HTTP.post(server.base + "/v2/models/cal/infer", json: LIBSVMRows.kserve(Array(shifted[start ..< start + 1_000]))).status == 200)
        }
        let drift = try HTTP.get(server.base + "/v2/models/cal/drift").json
        let calPSI = try #require((drift["features"] as? [[String: Any]])?.compactMap { $0["psi"] as? Double })
        #expect(calPSI[7] > 0.25, "feature 8 PSI \(calPSI[7])")
        #expect(drift["significant_features"] as? [Int] == [8], "\(drift["significant_features"] ?? "")")
        let metrics = try HTTP.get(server.base + "/metrics").text
        let line = metrics.split(separator: "\n").first { $0.hasPrefix("shardtrain_feature_psi{model=\"cal\",feature=\"8\"}") }
        #expect((line?.split(separator: " ").last).flatMap { Double($0) } ?? 0 > 0.25, "\(line ?? "no series")")
        // The watcher logs the significant shift (it looks every 5 s).
        let start = Date()
        while !server.log.contains("drift: model cal feature 8"), Date().timeIntervalSince(start) < 15 { Thread.sleep(forTimeInterval: 0.1) }
        #expect(server.log.contains("drift: model cal feature 8 has PSI"), "\(server.log)")
    }

    @Test func sigtermStopsTheServerCleanly() throws {
        let folder = Fixtures.scratchDirectory("serve-stop")
        let model = try Self.a9aModel(folder)
        let server = try ServerProcess(["--model", "a9a=" + model])
        #expect(try HTTP.get(server.base + "/v2/health/live").status == 200)
        #expect(server.stop() == 0)
        #expect(!server.log.contains("Fatal error"))
    }

    @Test func aBadModelAtStartIsAClearError() throws {
        let bad = Fixtures.writeTemporaryFile("not a model", name: "bad.model")
        let run = try CLI.run(["serve", "--model", "x=" + bad, "--port", "0"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("bad.model"), "\(run.stderr)")
        let missing = try CLI.run(["serve", "--model", "x=/nonexistent/m.st", "--port", "0"])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent/m.st: no such file"), "\(missing.stderr)")
        let noName = try CLI.run(["serve", "--model", "justapath"])
        #expect(noName.status != 0 && noName.stderr.contains("--model takes NAME=PATH"), "\(noName.stderr)")
    }
}
