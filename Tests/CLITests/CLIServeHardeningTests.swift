import Foundation
import Testing
import TestSupport

/// `serve` against clients that send too much, too slowly, too often, or without the token:
/// each gets a 4xx or 503 with a JSON reason, and the server keeps serving.
@Suite(.serialized) struct CLIServeHardeningTests {
    static func server(_ extra: [String]) throws -> ServerProcess {
        let folder = Fixtures.scratchDirectory("serve-hardening")
        let model = try CLIServeTests.a9aModel(folder)
        return try ServerProcess(["--model", "a9a=" + model] + extra)
    }

    /// Reads what the server sends on `fd` until it closes (or `timeout` passes).
    static func readAll(_ fd: Int32, timeout: Double) -> String {
        var timeval = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeval, socklen_t(MemoryLayout<timeval>.size))
        var text = [UInt8](), buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { return String(decoding: text, as: UTF8.self) }
            text += buffer[0 ..< count]
        }
    }

    @Test func rowLimitsTimeoutsAndParserRefusals() throws {
        let server = try Self.server(["--max-rows", "5", "--header-timeout", "1", "--body-timeout", "2"])
        defer { server.stop() }
        let rows = try LIBSVMRows.dense("datasets/a9a.t", features: 123, limit: 6)
        let infer = server.base + "/v2/models/a9a/infer"
        let six = try HTTP.post(infer, json: LIBSVMRows.kserve(rows))
        #expect(six.status == 413 && six.error.contains("the request has 6 rows; the limit is 5"), "\(six.text)")
        let five = try HTTP.post(infer, json: LIBSVMRows.kserve(Array(rows.prefix(5))))
        #expect(five.status == 200, "\(five.text)")
        let tf = "{\"instances\":[" + Array(repeating: "{\"1\":1}", count: 6).joined(separator: ",") + "]}"
        let tfReply = try HTTP.post(server.base + "/v1/models/a9a:predict", json: tf)
        #expect(tfReply.status == 413 && tfReply.error.contains("--max-rows"), "\(tfReply.text)")

        // A body sent a byte at a time is cut off at the body deadline, not held.
        let clock = ContinuousClock()
        let slowBody = try #require(RawTCP.connect(port: server.port))
        RawTCP.send(slowBody, Array("POST /v2/models/a9a/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n".utf8))
        var start = clock.now
        var closed = false
        for _ in 0 ..< 40 where !closed {
            RawTCP.send(slowBody, [0x20])
            closed = RawTCP.waitForClose(slowBody, timeout: 0.25)
        }
        close(slowBody)
        #expect(closed && clock.now - start < .seconds(5), "slow body held for \(clock.now - start)")

        // So is a request head sent a byte at a time.
        let slowHead = try #require(RawTCP.connect(port: server.port))
        start = clock.now
        closed = false
        for byte in Array("GET /v2/health/live HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaa".utf8) where !closed {
            RawTCP.send(slowHead, [byte])
            closed = RawTCP.waitForClose(slowHead, timeout: 0.25)
        }
        close(slowHead)
        #expect(closed && clock.now - start < .seconds(4), "slow head held for \(clock.now - start)")

        // What the HTTP parser refuses gets a JSON reason too.
        let garbage = try #require(RawTCP.connect(port: server.port))
        RawTCP.send(garbage, Array("GET / HTTP/1.1\r\nHost x\r\n\r\n".utf8))
        let answer = Self.readAll(garbage, timeout: 5)
        close(garbage)
        #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer)")
        #expect(answer.contains("\r\n\r\n{\"error\":\"malformed HTTP request"), "\(answer)")
        // A header over the parser's 80 KiB limit is one of its refusals too.
        let oversized = try #require(RawTCP.connect(port: server.port))
        RawTCP.send(oversized, Array("GET /v2/health/live HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 90_000))\r\n\r\n".utf8))
        let big = Self.readAll(oversized, timeout: 5)
        close(oversized)
        #expect(big.hasPrefix("HTTP/1.1 400") && big.contains("{\"error\":\"malformed HTTP request"), "\(big.prefix(200))")
        #expect(try HTTP.get(server.base + "/v2/health/live").status == 200)
    }

    /// A refused request (an unknown output) leaves the drift window and the prediction metrics
    /// as they were.
    @Test func refusedRequestsAreNotCounted() throws {
        let server = try Self.server([])
        defer { server.stop() }
        let rows = try LIBSVMRows.dense("datasets/a9a.t", features: 123, limit: 3)
        let infer = server.base + "/v2/models/a9a/infer"
        #expect(try HTTP.post(infer, json: LIBSVMRows.kserve(rows)).status == 200)
        func state() throws -> (Int, [String]) {
            let drift = try HTTP.get(server.base + "/v2/models/a9a/drift").json
            let metrics = try HTTP.get(server.base + "/metrics").text.split(separator: "\n")
                .filter { $0.hasPrefix("shardtrain_predictions_total") || $0.hasPrefix("shardtrain_prediction_score_count")
                    || $0.hasPrefix("shardtrain_request_rows_count") }.map(String.init)
            return (drift["rows_seen"] as? Int ?? -1, metrics)
        }
        let before = try state()
        #expect(before.0 == 3 && !before.1.isEmpty, "\(before)")
        let refused = try HTTP.post(infer, json: LIBSVMRows.kserve(rows, extra: ",\"outputs\":[{\"name\":\"margin\"}]"))
        #expect(refused.status == 400)
        let after = try state()
        #expect(after.0 == before.0 && after.1 == before.1, "\(before) → \(after)")
    }

    @Test func inferenceNeedsTheTokenAndHealthAndMetricsStayOpen() throws {
        let folder = Fixtures.scratchDirectory("serve-token")
        let tokenFile = folder + "/token", token = "a-bearer-token-for-the-tests"
        try (token + "\n").write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let server = try Self.server(["--auth-token-file", tokenFile])
        defer { server.stop() }
        let rows = try LIBSVMRows.dense("datasets/a9a.t", features: 123, limit: 1)
        let infer = server.base + "/v2/models/a9a/infer"
        let none = try HTTP.post(infer, json: LIBSVMRows.kserve(rows))
        #expect(none.status == 401 && none.error.contains("Authorization: Bearer") && none.headers.contains("Bearer realm"))
        let wrong = try HTTP.post(infer, json: LIBSVMRows.kserve(rows), headers: ["Authorization: Bearer a-bearer-token-for-the-test"])
        #expect(wrong.status == 401 && wrong.error == "wrong bearer token")
        let right = try HTTP.post(infer, json: LIBSVMRows.kserve(rows), headers: ["Authorization: Bearer " + token])
        #expect(right.status == 200, "\(right.text)")
        #expect(try HTTP.get(server.base + "/v2/models/a9a").status == 401)
        #expect(try HTTP.get(server.base + "/v2/health/live").status == 200)
        #expect(try HTTP.get(server.base + "/metrics").status == 200)

        let closed = try Self.server(["--auth-token-file", tokenFile, "--open-routes", "none"])
        defer { closed.stop() }
        #expect(try HTTP.get(closed.base + "/v2/health/live").status == 401)
        #expect(try HTTP.get(closed.base + "/metrics").status == 401)
        #expect(try HTTP.send("GET", closed.base + "/metrics", headers: ["Authorization: Bearer " + token]).status == 200)
    }

    /// With every scoring slot taken (here by a request whose body has not come yet), the next
    /// inference request is answered 503 at once; health still answers.
    @Test func requestsPastTheInFlightCapGet503() throws {
        let server = try Self.server(["--max-in-flight", "1", "--body-timeout", "20"])
        defer { server.stop() }
        let rows = try LIBSVMRows.dense("datasets/a9a.t", features: 123, limit: 1)
        let infer = server.base + "/v2/models/a9a/infer"
        let holder = try #require(RawTCP.connect(port: server.port))
        RawTCP.send(holder, Array("POST /v2/models/a9a/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n".utf8))
        var busy = HTTP.Reply(status: 0, body: Data(), headers: "")
        let deadline = Date().addingTimeInterval(10)
        repeat { busy = try HTTP.post(infer, json: LIBSVMRows.kserve(rows)) } while busy.status == 200 && Date() < deadline
        #expect(busy.status == 503 && busy.error.contains("--max-in-flight") && busy.headers.lowercased().contains("retry-after: 1"),
                "\(busy.status) \(busy.text)")
        #expect(try HTTP.get(server.base + "/v2/health/live").status == 200)
        close(holder)
        let freed = Date().addingTimeInterval(10)
        var again = busy
        repeat { again = try HTTP.post(infer, json: LIBSVMRows.kserve(rows)) } while again.status == 503 && Date() < freed
        #expect(again.status == 200, "\(again.text)")
    }
}
