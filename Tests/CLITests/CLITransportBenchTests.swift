import Foundation
import Testing
import TestSupport

/// `bench transport` over both channels: a real round trip through the transport and through a
/// plain socket, reported as times and their ratio.
@Suite struct CLITransportBenchTests {
    @Test(arguments: ["unix", "tcp"])
    func roundTripsAreTimedAgainstAPlainSocket(channel: String) throws {
        let run = try CLI.run(["bench", "transport", "--floats", "20000", "--runs", "3", "--channel", channel, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let result = try CLI.lastJSON(run)
        #expect(result["channel"] as? String == channel)
        #expect(result["bytes_each_way"] as? Int == 80_000)
        let plain = try #require(result["plain_seconds"] as? Double), transport = try #require(result["transport_seconds"] as? Double)
        #expect(plain > 0 && transport > 0)
        let ratio = try #require(result["ratio"] as? Double)
        #expect(abs(ratio - transport / plain) <= 1e-9 * ratio)
    }

    @Test func badOptionsAreRefused() throws {
        #expect(try CLI.run(["bench", "transport", "--floats", "0"]).status != 0)
        #expect(try CLI.run(["bench", "transport", "--channel", "pigeon"]).status != 0)
    }
}
