import Foundation
import Testing
import TestSupport

/// Files and options a user or a download hands ShardTrain: each number that sizes an
/// allocation is checked before it is used, each bad file gets a clear error, and a small file
/// never makes a command use more than 1 GiB.
@Suite(.serialized) struct CLIHostileFilesTests {
    /// Runs the CLI and reports its exit status, stderr and peak resident memory (KiB), read
    /// by a parent that waits for it (`ru_maxrss` of the waited-for child).
    static func runMeasured(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stderr: String, kib: Int) {
        let script = """
        import resource, subprocess, sys
        run = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        sys.stderr.buffer.write(run.stderr)
        print(run.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        """
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        let run = try ExternalTool.run("python3", ["-c", script, CLI.executable.path] + arguments, environment: env)
        let fields = run.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        return (Int32(fields.first ?? "") ?? -1, run.stderr, Int(fields.last ?? "") ?? -1)
    }

    @Test func hugeFeatureCountsAreRefusedWithTheirCost() throws {
        let folder = Fixtures.scratchDirectory("hostile-features")
        let huge = try Self.runMeasured(["train", "--model", "logistic", "--data", "datasets/a9a", "--features", "9223372036854775807",
                                         "--output", folder + "/m"])
        #expect(huge.status == 64 && huge.stderr.contains("--features must be 1 to 2147483647"), "\(huge.stderr)")
        let wide = try Self.runMeasured(["train", "--model", "logistic", "--data", "datasets/a9a", "--features", "2147483647",
                                         "--output", folder + "/m"])
        #expect(wide.status == 1 && wide.stderr.contains("SHARDTRAIN_MAX_PARAMETERS"), "\(wide.stderr)")
        #expect(wide.stderr.contains("GiB per float64 vector"), "\(wide.stderr)")
        #expect(wide.kib < 1 << 20, "\(wide.kib) KiB")

        // Two lines, one index near 2³¹: the feature count does not follow it unchecked.
        let data = folder + "/two.svm"
        try "1 3:1\n-1 2147483647:1\n".write(toFile: data, atomically: true, encoding: .utf8)
        let tiny = try Self.runMeasured(["train", "--model", "logistic", "--data", data, "--output", folder + "/m"])
        #expect(tiny.status == 1 && tiny.stderr.contains("two.svm:2: feature index 2147483647"), "\(tiny.stderr)")
        #expect(tiny.stderr.contains("give --features N"), "\(tiny.stderr)")
        #expect(tiny.kib < 1 << 20, "\(tiny.kib) KiB")
        // Three million features: refused when only the index says so, trained when the user
        // says so with --features.
        let wider = folder + "/three.svm"
        try "1 3:1\n-1 3000000:1\n".write(toFile: wider, atomically: true, encoding: .utf8)
        let inferred = try Self.runMeasured(["train", "--model", "logistic", "--data", wider, "--output", folder + "/m"])
        #expect(inferred.status == 1 && inferred.stderr.contains("at most 1048576"), "\(inferred.stderr)")
        let raised = try Self.runMeasured(["train", "--model", "logistic", "--data", wider, "--features", "3000000",
                                           "--output", folder + "/m", "--quiet", "--no-profile"])
        #expect(raised.status == 0, "\(raised.stderr)")
    }

    /// A few kilobytes of sparse model file that declare 2³¹ features are refused by inspect,
    /// predict and serve, without the gigabytes their expansion would take.
    @Test func aModelFileDeclaringBillionsOfFeaturesIsRefused() throws {
        let folder = Fixtures.scratchDirectory("hostile-model")
        let dense = try CLIServeTests.a9aModel(folder)
        let sparse = folder + "/sparse.model"
        let pruned = try CLI.run(["prune", "--model", dense, "--sparsity", "0.95", "--output", sparse])
        #expect(pruned.status == 0, "\(pruned.stderr)")
        let hostile = folder + "/hostile.model"
        try Self.rewriteMetadata(sparse, to: hostile) { $0["feature_count"] = "2147483648" }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: hostile)[.size] as? Int)
        #expect(size < 16 << 10)
        let inspect = try Self.runMeasured(["inspect", hostile])
        #expect(inspect.status == 1 && inspect.stderr.contains("would expand to 2147483648 parameters"), "\(inspect.stderr)")
        #expect(inspect.stderr.contains("SHARDTRAIN_MAX_PARAMETERS"))
        #expect(inspect.kib < 1 << 20, "\(inspect.kib) KiB")
        let serve = try Self.runMeasured(["serve", "--model", "x=" + hostile, "--port", "0"])
        #expect(serve.status != 0 && serve.stderr.contains("would expand to"), "\(serve.stderr)")
        #expect(serve.kib < 1 << 20, "\(serve.kib) KiB")
    }

    /// Drift-profile bins are bounded by what the server's window can count (255 cut points).
    @Test func aProfileWithTooManyBinsIsRefused() throws {
        let folder = Fixtures.scratchDirectory("hostile-profile")
        let model = try CLIServeTests.a9aModel(folder)
        let hostile = folder + "/bins.model"
        try Self.rewriteMetadata(model, to: hostile) { metadata in
            guard let text = metadata["reference_profile"], var profile = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return }
            let edges = (0 ..< 300).map(Double.init), shares = [Double](repeating: 1.0 / 301, count: 301)
            profile["score"] = [edges, shares]
            metadata["reference_profile"] = String(decoding: try! JSONSerialization.data(withJSONObject: profile), as: UTF8.self)
        }
        let inspect = try CLI.run(["inspect", hostile])
        #expect(inspect.status == 1 && inspect.stderr.contains("has 300 cut points; at most 255"), "\(inspect.stderr)")
    }

    /// Rewrites the `__metadata__` of a safetensors file.
    static func rewriteMetadata(_ source: String, to destination: String, _ change: (inout [String: String]) -> Void) throws {
        let bytes = try #require(FileManager.default.contents(atPath: source))
        let length = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        var header = try #require(try JSONSerialization.jsonObject(with: bytes.subdata(in: 8 ..< 8 + length)) as? [String: Any])
        var metadata = header["__metadata__"] as? [String: String] ?? [:]
        change(&metadata)
        header["__metadata__"] = metadata
        var json = try JSONSerialization.data(withJSONObject: header)
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data()
        for i in 0 ..< 8 { out.append(UInt8(truncatingIfNeeded: json.count >> (8 * i))) }
        out.append(json)
        out.append(bytes.subdata(in: 8 + length ..< bytes.count))
        try out.write(to: URL(fileURLWithPath: destination))
    }

    /// A checkpoint is checked like any file: counts against each other, sizes against the
    /// problem, each message naming the part that does not fit.
    @Test func corruptCheckpointsAreRefusedClearly() throws {
        let folder = Fixtures.scratchDirectory("hostile-checkpoint")
        let common = ["train", "--model", "logistic", "--data", "datasets/a9a", "--features", "123", "--quiet", "--optimizer", "lbfgs",
                      "--checkpoint-dir", folder, "--checkpoint-every", "2", "--max-iterations", "4", "--output", folder + "/m"]
        let first = try CLI.run(common)
        #expect(first.status == 0, "\(first.stderr)")
        let path = folder + "/checkpoint.json"
        let original = try #require(FileManager.default.contents(atPath: path))
        func corrupt(_ change: (inout [String: Any]) -> Void) throws -> String {
            var file = try #require(try JSONSerialization.jsonObject(with: original) as? [String: Any])
            var state = try #require(file["state"] as? [String: Any])
            var inner = try #require(state["state"] as? [String: Any])
            change(&inner)
            state["state"] = inner
            file["state"] = state
            try JSONSerialization.data(withJSONObject: file).write(to: URL(fileURLWithPath: path))
            let resumed = try CLI.run(common + ["--resume"])
            #expect(resumed.status == 1)
            return resumed.stderr
        }
        #expect(try corrupt { $0["iteration"] = -1 }.contains("says -1 iterations"))
        #expect(try corrupt { $0["iteration"] = 1_000_000 }.contains("says 1000000 iterations but records"))
        #expect(try corrupt { $0["memoryY"] = Array(($0["memoryY"] as? [Any] ?? []).dropLast()) }.contains("curvature memory"))
        #expect(try corrupt { $0["gradient"] = Array(($0["gradient"] as? [Double] ?? []).dropLast()) }.contains("a gradient of 123 values for 124 parameters"))
        try original.write(to: URL(fileURLWithPath: path))
        #expect(try CLI.run(common + ["--resume"]).status == 0)
    }

    /// A temporary file left by a writer that was killed is removed by the next write of the
    /// same output; one of a writer that still runs is left alone.
    @Test func leftoverTemporaryFilesAreRemoved() throws {
        let folder = Fixtures.scratchDirectory("hostile-temporaries")
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let abandoned = folder + "/.m.tmp-\(gone.processIdentifier)-AbCdEf", live = folder + "/.m.tmp-\(getpid())-GhIjKl"
        for path in [abandoned, live] { try Data(repeating: 7, count: 1000).write(to: URL(fileURLWithPath: path)) }
        let run = try CLI.run(["train", "--model", "logistic", "--data", "datasets/a9a", "--features", "123", "--quiet",
                               "--max-iterations", "2", "--output", folder + "/m"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: abandoned))
        #expect(FileManager.default.fileExists(atPath: live))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".m.tmp-") }
        #expect(names == [(live as NSString).lastPathComponent])
    }

    /// Text files: a UTF-8 byte-order mark is skipped; UTF-16, carriage-return-only lines and
    /// control bytes get messages that say what they are.
    @Test func encodingsAndInvisibleBytesAreNamed() throws {
        let folder = Fixtures.scratchDirectory("hostile-text")
        let lines = try String(contentsOfFile: Fixtures.dataset("a9a"), encoding: .utf8).split(separator: "\n").prefix(300)
        let plain = folder + "/plain.svm", bom = folder + "/bom.svm"
        try (lines.joined(separator: "\n") + "\n").write(toFile: plain, atomically: true, encoding: .utf8)
        try (Data([0xEF, 0xBB, 0xBF]) + Data((lines.joined(separator: "\n") + "\n").utf8)).write(to: URL(fileURLWithPath: bom))
        func objective(_ data: String) throws -> Double? {
            let run = try CLI.run(["train", "--model", "logistic", "--data", data, "--features", "123", "--quiet", "--json",
                                   "--output", folder + "/m"])
            #expect(run.status == 0, "\(run.stderr)")
            return try CLI.lastJSON(run)["objective"] as? Double
        }
        #expect(try objective(bom) == objective(plain))

        let csvBOM = folder + "/bom.csv"
        try (Data([0xEF, 0xBB, 0xBF]) + Data("label,a,b\n1,0.5,2\n0,1.5,1\n1,0.25,3\n0,2,0\n".utf8)).write(to: URL(fileURLWithPath: csvBOM))
        let csv = try CLI.run(["train", "--model", "logistic", "--data", csvBOM, "--label-column", "label", "--quiet", "--output", folder + "/c"])
        #expect(csv.status == 0, "\(csv.stderr)")

        let utf16 = folder + "/utf16.svm"
        try (Data([0xFF, 0xFE]) + Data("1 1:1\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })).write(to: URL(fileURLWithPath: utf16))
        let sixteen = try CLI.run(["train", "--model", "logistic", "--data", utf16, "--output", folder + "/m"])
        #expect(sixteen.status == 1 && sixteen.stderr.contains("UTF-16 or UTF-32"), "\(sixteen.stderr)")

        let mac = folder + "/mac.svm"
        try lines.prefix(20).joined(separator: "\r").write(toFile: mac, atomically: true, encoding: .utf8)
        let cr = try CLI.run(["train", "--model", "logistic", "--data", mac, "--output", folder + "/m"])
        #expect(cr.status == 1 && cr.stderr.contains("carriage return alone"), "\(cr.stderr)")

        let control = folder + "/control.svm"
        try "1 1:1\n-1 2:\u{1B}[31mred\n".write(toFile: control, atomically: true, encoding: .utf8)
        let escaped = try CLI.run(["train", "--model", "logistic", "--data", control, "--output", folder + "/m"])
        #expect(escaped.status == 1 && escaped.stderr.contains("\\x1B[31mred"), "\(escaped.stderr)")
        #expect(!escaped.stderr.contains("\u{1B}"))
    }
}
