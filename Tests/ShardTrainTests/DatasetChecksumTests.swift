import Foundation
import Testing
import TestSupport

@Suite struct DatasetChecksumTests {
    @Test func referenceSHA256MatchesKnownVectors() {
        #expect(ReferenceSHA256.hexDigest(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ReferenceSHA256.hexDigest([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let twoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(ReferenceSHA256.hexDigest(Array(twoBlocks.utf8)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func everyListedDatasetMatchesItsChecksum() throws {
        let list = try String(contentsOfFile: Fixtures.dataset("SHA256SUMS"), encoding: .utf8)
        let entries = list.split(separator: "\n").map { line -> (String, String) in
            let parts = line.split(separator: " ", maxSplits: 1)
            let name = parts.count > 1 ? parts[1].drop { $0 == " " || $0 == "*" } : ""
            return (String(parts[0]), String(name))
        }
        #expect(entries.count >= 7)
        for (digest, name) in entries {
            #expect(ReferenceSHA256.hexDigest(ofFile: Fixtures.dataset(name)) == digest, "checksum of \(name)")
        }
        let listed = Set(entries.map(\.1))
        let present = try FileManager.default.contentsOfDirectory(atPath: Fixtures.dataset(""))
            .filter { $0 != "SHA256SUMS" && $0 != "PROVENANCE.md" && !$0.hasPrefix(".") }
        #expect(Set(present) == listed, "every dataset file is listed in SHA256SUMS")
    }
}
