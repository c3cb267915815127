import Foundation
import Testing
import TestSupport

/// `inspect` on files other than our own models: a safetensors file another tool wrote, and
/// files that are not safetensors at all.
@Suite struct CLIInspectTests {
    @Test func foreignSafeTensorsFileIsDescribed() throws {
        let folder = Fixtures.scratchDirectory("cli-inspect")
        let path = folder + "/embeddings.safetensors"
        let write = try ExternalTool.run("/usr/bin/env", [ExternalTool.python, "-c", """
            import sys, numpy as np
            from safetensors.numpy import save_file
            save_file({"embedding": np.zeros((3, 4), dtype=np.float16), "ids": np.arange(5, dtype=np.int64)},
                      sys.argv[1], metadata={"source": "another tool"})
            """, path])
        try #require(write.status == 0, "needs python3 with safetensors and numpy: \(write.stderr)")
        let text = try CLI.run(["inspect", path])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("not a ShardTrain model: it has no \"format\" metadata"))
        #expect(text.stdout.contains("embedding        F16 [3, 4], 24 bytes"))
        #expect(text.stdout.contains("ids              I64 [5], 40 bytes"))
        #expect(text.stdout.contains("source                 another tool"))
        let json = try CLI.lastJSON(try CLI.run(["inspect", path, "--json"]))
        #expect(json["format"] as? String == "safetensors" && json["shardtrain_model"] as? Bool == false)
        #expect(json["tensor_bytes"] as? Int == 64)
        let tensors = try #require(json["tensors"] as? [String: [String: Any]])
        #expect(tensors["embedding"]?["shape"] as? [Int] == [3, 4] && tensors["ids"]?["dtype"] as? String == "I64")
        #expect((json["metadata"] as? [String: String])?["source"] == "another tool")
        // Scoring it is refused, naming the file and what is missing.
        let evaluate = try CLI.run(["evaluate", "--model", path, "--data", "datasets/a9a.t"])
        #expect(evaluate.status != 0 && evaluate.stderr.contains("embeddings.safetensors") && evaluate.stderr.contains("not a ShardTrain model"))
    }

    @Test func notASafeTensorsFileIsAnError() throws {
        let path = Fixtures.writeTemporaryFile("just some text, not a model\n", name: "notes.safetensors")
        let run = try CLI.run(["inspect", path])
        #expect(run.status != 0)
        #expect(run.stderr.contains("notes.safetensors"))
    }
}
