import ArgumentParser
import BenchmarkKit
import Foundation
import ShardTrain

/// `shardtrain bench transport`: a round's vectors through the transport against a plain
/// socket round trip of the same bytes.
struct TransportBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transport",
        abstract: "Time an evaluate/result round trip of N floats each way against a plain socket round trip of the same bytes."
    )

    @Option(help: "Float32 values each way (1,000,000 is a 4 MB frame).")
    var floats: Int = 1_000_000

    @Option(help: "Timed round trips of each (best and median are reported).")
    var runs: Int = 20

    @Option(help: "Channel: unix (local workers) or tcp (loopback, with the secret handshake and sealed frames).")
    var channel: Channel = .unix

    enum Channel: String, ExpressibleByArgument { case unix, tcp }

    @Flag(help: "Print one JSON object as the last line of stdout.")
    var json = false

    func validate() throws {
        guard floats >= 1, floats <= 32_000_000 else { throw ValidationError("--floats takes 1 to 32,000,000") }
        guard runs >= 1 else { throw ValidationError("--runs must be ≥ 1") }
    }

    @Flag(help: "Leave glibc's allocator at its defaults (measure without the large-block reuse that train and worker enable).")
    var defaultAllocator = false

    func run() throws {
        if !defaultAllocator { LargeBlockReuse.enable() }
        let result = try report {
            switch channel {
            case .unix: try TransportBenchmark.unixSocket(floats: floats, runs: runs, folder: NSTemporaryDirectory())
            case .tcp: try TransportBenchmark.tcp(floats: floats, runs: runs)
            }
        }
        let ratio = result.transport.median / result.plain.median
        print(String(format: "%d bytes each way over %@: plain socket %.3f ms (best %.3f), transport %.3f ms (best %.3f): %.2f× (median), %.2f GB/s",
                     result.bytesEachWay, channel.rawValue, result.plain.median * 1e3, result.plain.best * 1e3,
                     result.transport.median * 1e3, result.transport.best * 1e3, ratio,
                     Double(2 * result.bytesEachWay) / result.transport.median / 1e9))
        if json {
            var line = JSONLine()
            line.add("channel", channel.rawValue)
            line.add("bytes_each_way", result.bytesEachWay)
            line.add("plain_seconds", result.plain.median)
            line.add("transport_seconds", result.transport.median)
            line.add("ratio", ratio)
            print(line.rendered)
        }
    }
}
