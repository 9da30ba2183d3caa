import AsyncHTTPClient
import Foundation
import ProviderSimulator
import Testing

@Suite("Provider simulator", .timeLimit(.minutes(2)))
struct SimulatorTests {
    static func fast(_ configuration: inout SimulatorConfiguration) {
        configuration.taskSeconds = ["wanx": 0.3, "jimeng": 0.3, "kling": 0.3, "hailuo": 0.3]
    }

    @Test("PNG encoder writes a decodable header and stored deflate blocks")
    func pngEncoder() {
        let png = PNGEncoder.pattern(width: 300, height: 200, red: 10, green: 20, blue: 30)
        #expect(Array(png.prefix(8)) == pngSignature)
        #expect(PNGEncoder.dimensions(of: png)?.width == 300)
        #expect(PNGEncoder.dimensions(of: png)?.height == 200)
        // Larger than one stored block (65 535 bytes) to exercise multi-block output.
        #expect(png.count > 180_000)
    }

    @Test("samples, stats, config and reset endpoints")
    func controlEndpoints() async throws {
        try await withSimulator { simulator, client in
            let base = simulator.baseURL.absoluteString
            let sample = try await client.call(.GET, base + "/samples/red-mug.png?w=320&h=240")
            #expect(sample.status == 200)
            #expect(sample.header("Content-Type") == "image/png")
            #expect(PNGEncoder.dimensions(of: sample.body)?.width == 320)

            let configured = try await client.call(
                .POST, base + "/_sim/config", json: ["faults": ["rateLimitRate": 1.0, "retryAfterSeconds": 2]])
            #expect(configured.status == 200)
            #expect(simulator.configuration.faults.rateLimitRate == 1.0)
            let throttled = try await client.call(
                .GET, base + "/api/v1/tasks/none", headers: [("Authorization", "Bearer sk-sim-dashscope")])
            #expect(throttled.status == 429)
            #expect(throttled.json["code"] as? String == "Throttling.RateQuota")
            #expect(throttled.header("Retry-After") == "2")

            let stats = try await client.call(.GET, base + "/_sim/stats")
            let decoded = try JSONDecoder().decode(SimulatorStats.self, from: Data(stats.body))
            #expect(decoded[.wanx].rateLimited == 1)
            #expect(decoded.requestsPerVendor["dashscope"] == 1)

            let bad = try await client.call(.POST, base + "/_sim/config", body: Array("{not json".utf8))
            #expect(bad.status == 400)

            _ = try await client.call(.POST, base + "/_sim/reset")
            #expect(simulator.stats()[.wanx].rateLimited == 0)
            #expect(simulator.configuration.faults.rateLimitRate == 1.0)
        }
    }

    @Test("DashScope: key check, async header, PENDING → RUNNING → SUCCEEDED, PNG result that expires")
    func dashscopeTaskLifecycle() async throws {
        try await withSimulator({ configuration in
            configuration.queriesPerPhase = 2
            configuration.resultURLLifetimeSeconds = 3
        }) { simulator, client in
            let base = simulator.baseURL.absoluteString
            let path = base + "/api/v1/services/aigc/text2image/image-synthesis"
            let body: [String: Any] = [
                "model": "wanx2.1-t2i-turbo", "input": ["prompt": "a mug on a desk"], "parameters": ["size": "1024*768", "n": 1],
            ]
            let wrongKey = try await client.call(
                .POST, path, headers: [("Authorization", "Bearer sk-wrong"), ("X-DashScope-Async", "enable")], json: body)
            #expect(wrongKey.status == 401)
            #expect(wrongKey.json["code"] as? String == "InvalidApiKey")
            #expect(wrongKey.json["request_id"] is String)

            let auth = ("Authorization", "Bearer sk-sim-dashscope")
            let synchronous = try await client.call(.POST, path, headers: [auth], json: body)
            #expect(synchronous.status == 403)
            #expect(synchronous.json["code"] as? String == "AccessDenied")

            let badSize = try await client.call(
                .POST, path, headers: [auth, ("X-DashScope-Async", "enable")],
                json: ["model": "wanx2.1-t2i-turbo", "input": ["prompt": "x"], "parameters": ["size": "1024x1024"]])
            #expect(badSize.status == 400)
            #expect(badSize.json["code"] as? String == "InvalidParameter")

            let created = try await client.call(
                .POST, path, headers: [auth, ("X-DashScope-Async", "enable"), ("X-AssetForge-Idempotency-Key", "asset-1")],
                json: body)
            #expect(created.status == 200)
            let output = created.json["output"] as? [String: Any]
            #expect(output?["task_status"] as? String == "PENDING")
            let taskID = try #require(output?["task_id"] as? String)

            var seen: [String] = []
            var resultURL: String?
            let done = try await waitUntil {
                let poll = try await client.call(.GET, base + "/api/v1/tasks/\(taskID)", headers: [auth])
                let out = poll.json["output"] as? [String: Any]
                let status = out?["task_status"] as? String ?? "?"
                if seen.last != status { seen.append(status) }
                if status == "SUCCEEDED" {
                    resultURL = ((out?["results"] as? [[String: Any]])?.first?["url"]) as? String
                    #expect((poll.json["usage"] as? [String: Any])?["image_count"] as? Int == 1)
                    return true
                }
                return false
            }
            #expect(done)
            #expect(seen == ["PENDING", "RUNNING", "SUCCEEDED"])
            let url = try #require(resultURL)
            let image = try await client.call(.GET, url)
            #expect(image.status == 200)
            #expect(Array(image.body.prefix(8)) == pngSignature)
            #expect(PNGEncoder.dimensions(of: image.body).map { $0.width * 3 == $0.height * 4 } == true)

            try await Task.sleep(for: .milliseconds(3100))
            let expired = try await client.call(.GET, url)
            #expect(expired.status == 403)
            #expect(expired.text.contains("<Code>AccessDenied</Code>"))

            let unknown = try await client.call(.GET, base + "/api/v1/tasks/nope", headers: [auth])
            #expect((unknown.json["output"] as? [String: Any])?["task_status"] as? String == "UNKNOWN")

            let stats = simulator.stats()
            #expect(stats.tasksPerIdempotencyKey["asset-1"] == 1)
            #expect(stats[.wanx].tasksCreated == 1)
            #expect(stats[.wanx].authenticationFailures == 1)
        }
    }

    @Test("Kling: JWT checks answer the vendor's codes 1001–1004 and 1000")
    func klingAuthentication() async throws {
        try await withSimulator(Self.fast) { simulator, client in
            let url = simulator.baseURL.absoluteString + "/v1/videos/image2video/kl-1"
            let now = Int(Date().timeIntervalSince1970)
            let cases: [(String?, Int)] = [
                (nil, 1001),
                ("Token abc", 1002),
                ("Bearer not.a.jwt", 1002),
                ("Bearer " + testJWT(iss: "AK-SIM-KLING", secret: "wrong", exp: now + 600, nbf: now - 5), 1000),
                ("Bearer " + testJWT(iss: "AK-OTHER", secret: "SK-SIM-KLING", exp: now + 600, nbf: now - 5), 1000),
                ("Bearer " + testJWT(iss: "AK-SIM-KLING", secret: "SK-SIM-KLING", exp: now - 1, nbf: now - 600), 1004),
                ("Bearer " + testJWT(iss: "AK-SIM-KLING", secret: "SK-SIM-KLING", exp: now + 600, nbf: now + 300), 1003),
            ]
            for (authorization, code) in cases {
                let reply = try await client.call(.GET, url, headers: authorization.map { [("Authorization", $0)] } ?? [])
                #expect(reply.status == 401, "\(authorization ?? "none")")
                #expect(reply.json["code"] as? Int == code, "\(authorization ?? "none")")
            }
            let valid = "Bearer " + testJWT(iss: "AK-SIM-KLING", secret: "SK-SIM-KLING", exp: now + 600, nbf: now - 5)
            let missing = try await client.call(.GET, url, headers: [("Authorization", valid)])
            #expect(missing.status == 404)
            #expect(missing.json["code"] as? Int == 1203)
        }
    }

    @Test("Kling: submit, query by id and by external_task_id, MP4 result")
    func klingLifecycle() async throws {
        try await withSimulator(Self.fast) { simulator, client in
            let base = simulator.baseURL.absoluteString
            let now = Int(Date().timeIntervalSince1970)
            let auth = ("Authorization", "Bearer " + testJWT(iss: "AK-SIM-KLING", secret: "SK-SIM-KLING", exp: now + 600, nbf: now - 5))
            let frame = PNGEncoder.pattern(width: 360, height: 640, red: 200, green: 100, blue: 50)
            var body: [String: Any] = [
                "model_name": "kling-v1-6", "image": Data(frame).base64EncodedString(), "duration": 5, "mode": "std",
                "external_task_id": "asset-k1",
            ]
            let numeric = try await client.call(.POST, base + "/v1/videos/image2video", headers: [auth], json: body)
            #expect(numeric.status == 400)
            #expect(numeric.json["code"] as? Int == 1201)
            body["duration"] = "5"
            let created = try await client.call(.POST, base + "/v1/videos/image2video", headers: [auth], json: body)
            #expect(created.status == 200)
            let data = created.json["data"] as? [String: Any]
            #expect(data?["task_status"] as? String == "submitted")
            let taskID = try #require(data?["task_id"] as? String)
            let duplicate = try await client.call(.POST, base + "/v1/videos/image2video", headers: [auth], json: body)
            #expect(duplicate.status == 400)

            let byExternal = try await client.call(.GET, base + "/v1/videos/image2video?external_task_id=asset-k1", headers: [auth])
            #expect(((byExternal.json["data"] as? [[String: Any]])?.first?["task_id"]) as? String == taskID)

            var finished: [String: Any]?
            let succeeded = try await waitUntil {
                let reply = try await client.call(.GET, base + "/v1/videos/image2video/\(taskID)", headers: [auth])
                let data = reply.json["data"] as? [String: Any]
                guard data?["task_status"] as? String == "succeed" else { return false }
                finished = ((data?["task_result"] as? [String: Any])?["videos"] as? [[String: Any]])?.first
                return true
            }
            #expect(succeeded)
            #expect(finished?["duration"] as? String == "5")
            let videoURL = finished?["url"] as? String
            let video = try await client.call(.GET, try #require(videoURL))
            #expect(video.header("Content-Type") == "video/mp4")
            #expect(String(decoding: video.body[4..<8], as: UTF8.self) == "ftyp")
        }
    }

    @Test("MiniMax: base_resp errors, Preparing → … → Success, file retrieval")
    func minimaxLifecycle() async throws {
        try await withSimulator(Self.fast) { simulator, client in
            let base = simulator.baseURL.absoluteString
            let wrong = try await client.call(
                .POST, base + "/v1/video_generation", headers: [("Authorization", "Bearer nope")], json: ["model": "I2V-01"])
            #expect(wrong.status == 200)
            #expect((wrong.json["base_resp"] as? [String: Any])?["status_code"] as? Int == 1004)
            let auth = ("Authorization", "Bearer sim-minimax-key")
            let frame = PNGEncoder.pattern(width: 360, height: 640, red: 1, green: 2, blue: 3)
            let body: [String: Any] = [
                "model": "MiniMax-Hailuo-02", "prompt": "slow pan", "duration": 6, "resolution": "768P",
                "first_frame_image": "data:image/png;base64," + Data(frame).base64EncodedString(),
            ]
            let created = try await client.call(.POST, base + "/v1/video_generation", headers: [auth], json: body)
            let taskID = try #require(created.json["task_id"] as? String)
            #expect(!taskID.isEmpty)
            var fileID: String?
            let succeeded = try await waitUntil {
                let reply = try await client.call(.GET, base + "/v1/query/video_generation?task_id=\(taskID)", headers: [auth])
                if reply.json["status"] as? String == "Success" {
                    fileID = reply.json["file_id"] as? String
                    return true
                }
                return false
            }
            #expect(succeeded)
            let file = try await client.call(.GET, base + "/v1/files/retrieve?file_id=\(try #require(fileID))", headers: [auth])
            let download = try #require((file.json["file"] as? [String: Any])?["download_url"] as? String)
            let video = try await client.call(.GET, download)
            #expect(video.status == 200)
            #expect(String(decoding: video.body[4..<8], as: UTF8.self) == "ftyp")
        }
    }

    @Test("Volcengine: unsigned and badly signed requests get the gateway error shape")
    func volcengineRejectsBadSignatures() async throws {
        try await withSimulator { simulator, client in
            let url = simulator.baseURL.absoluteString + "/?Action=CVSync2AsyncSubmitTask&Version=2022-08-31"
            let unsigned = try await client.call(.POST, url, json: ["req_key": "jimeng_t2i_v31", "prompt": "x"])
            #expect(unsigned.status == 401)
            let error = (unsigned.json["ResponseMetadata"] as? [String: Any])?["Error"] as? [String: Any]
            #expect(error?["Code"] as? String == "MissingAuthenticationToken")
            let forged = try await client.call(
                .POST, url,
                headers: [
                    ("Authorization", "HMAC-SHA256 Credential=AKSIMVOLC/20240101/cn-north-1/cv/request, SignedHeaders=content-type;host;x-content-sha256;x-date, Signature=00"),
                    ("X-Date", "20240101T000000Z"), ("Content-Type", "application/json"),
                ], json: ["req_key": "jimeng_t2i_v31", "prompt": "x"])
            #expect(forged.status == 401)
            #expect(((forged.json["ResponseMetadata"] as? [String: Any])?["Error"] as? [String: Any])?["Code"] as? String == "InvalidTimestamp")
        }
    }

    @Test("a client that gives up before the answer is counted as an abandoned submit")
    func abandonedSubmit() async throws {
        try await withSimulator({ configuration in
            configuration.faults.latency = LatencyDistribution(kind: .fixed, minMilliseconds: 1500)
        }) { simulator, client in
            let url = simulator.baseURL.absoluteString + "/api/v1/services/aigc/text2image/image-synthesis"
            await #expect(throws: (any Error).self) {
                _ = try await client.call(
                    .POST, url, headers: [("Authorization", "Bearer sk-sim-dashscope"), ("X-DashScope-Async", "enable")],
                    json: ["model": "wanx2.1-t2i-turbo", "input": ["prompt": "x"]], timeout: .milliseconds(200))
            }
            let abandoned = try await waitUntil { simulator.stats()[.wanx].submitsAbandoned == 1 }
            #expect(abandoned)
            #expect(simulator.stats()[.wanx].tasksCreated == 0)
        }
    }

    @Test("faults are reproducible for a seed")
    func seededFaults() async throws {
        func run() async throws -> [Int] {
            try await withSimulator({ configuration in
                configuration.seed = 7
                configuration.faults.rateLimitRate = 0.3
                configuration.faults.serverErrorRate = 0.2
            }) { simulator, client in
                var statuses: [Int] = []
                for _ in 0..<30 {
                    let reply = try await client.call(
                        .GET, simulator.baseURL.absoluteString + "/api/v1/tasks/x",
                        headers: [("Authorization", "Bearer sk-sim-dashscope")])
                    statuses.append(reply.status)
                }
                return statuses
            }
        }
        let first = try await run()
        let second = try await run()
        #expect(first == second)
        #expect(first.contains(429))
        #expect(first.contains(200))
    }
}
