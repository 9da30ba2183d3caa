import AssetForgeConfiguration
import AssetImaging
import Foundation
import ProcessTestSupport
import ProviderSimulator
@testable import Providers
import Testing

@Suite("Vendor clients against the simulator", .timeLimit(.minutes(3)))
struct ClientTests {
    // MARK: Wanx

    @Test("Wanx background generation: cut-out in, PENDING → RUNNING → SUCCEEDED, PNG out")
    func wanxBackground() async throws {
        try await Harness.run({ $0.queriesPerPhase = 2 }) { h in
            let cutOut = try VipsImagePreparer().cutOut(productPhoto())
            let reference = "data:image/png;base64," + Data(cutOut.png).base64EncodedString()
            let client = h.wanx()
            let taskID = try await client.submitBackground(
                baseImageURL: reference, prompt: "on a marble kitchen counter", idempotencyKey: "a-1")
            let (snapshot, statuses) = try await pollToEnd { try await client.poll(taskID: taskID, idempotencyKey: "a-1") }
            #expect(statuses == ["PENDING", "RUNNING", "SUCCEEDED"])
            let output = try #require(snapshot.output)
            #expect(output.usage.images == 1)
            #expect(output.model == "wanx-background-generation-v2")
            let png = try await client.http.download(try #require(output.urls.first))
            #expect(Array(png.prefix(8)) == pngSignature)
            #expect(h.simulator.stats().tasksPerIdempotencyKey["a-1"] == 1)
        }
    }

    @Test("Wanx refuses an opaque product photo for background generation ([U] RGBA cut-out)")
    func wanxNeedsCutOut() async throws {
        try await Harness.run { h in
            let opaque = "data:image/png;base64," + Data(productPhoto()).base64EncodedString()
            let error = await #expect(throws: ProviderError.self) {
                _ = try await h.wanx().submitBackground(baseImageURL: opaque, prompt: "beach", idempotencyKey: "a")
            }
            #expect(error?.code == .providerRejectedInput)
        }
    }

    @Test("Wanx error classes: key, parameters, moderation, failed task, unknown task")
    func wanxErrors() async throws {
        try await Harness.run(taskSeconds: 0.1, { $0.faults.failedTaskRate = 1 }) { h in
            let wrongKey = await #expect(throws: ProviderError.self) {
                _ = try await h.wanx(apiKey: "sk-wrong").submitTextToImage(
                    prompt: "x", width: 1024, height: 1024, idempotencyKey: "k")
            }
            #expect(wrongKey?.code == .authenticationFailed)
            #expect(wrongKey?.vendorCode == "InvalidApiKey")
            let badSize = await #expect(throws: ProviderError.self) {
                _ = try await h.wanx().submitTextToImage(prompt: "x", width: 100, height: 1024, idempotencyKey: "k")
            }
            #expect(badSize?.code == .providerRejectedInput)
            let moderated = await #expect(throws: ProviderError.self) {
                _ = try await h.wanx().submitTextToImage(
                    prompt: "something FORBIDDEN", width: 1024, height: 1024, idempotencyKey: "k")
            }
            #expect(moderated?.code == .contentModeration)
            let taskID = try await h.wanx().submitTextToImage(prompt: "ok", width: 1024, height: 1024, idempotencyKey: "k")
            let (failed, statuses) = try await pollToEnd { try await h.wanx().poll(taskID: taskID, idempotencyKey: "k") }
            #expect(statuses.last == "FAILED")
            #expect(failed.failure?.code == .taskFailed)
            #expect(failed.failure?.vendorCode == "InternalError.Algo")
            let unknown = try await h.wanx().poll(taskID: "no-such-task", idempotencyKey: nil)
            #expect(unknown.failure?.code == .taskNotFound)
        }
    }

    // MARK: Injected transport faults, every client

    enum Fault: String, CaseIterable, CustomTestStringConvertible {
        case rateLimit, serverError, malformed, unavailable
        var testDescription: String { rawValue }
    }

    @Test(
        "each client maps injected 429, 5xx, malformed bodies and outages to retryable codes",
        arguments: [GenerationProvider.wanx, .qwen, .kling, .hailuo, .jimeng], Fault.allCases)
    func injectedFaults(provider: GenerationProvider, fault: Fault) async throws {
        try await Harness.run({ configuration in
            switch fault {
            case .rateLimit:
                configuration.faults.rateLimitRate = 1
                configuration.faults.retryAfterSeconds = 3
            case .serverError: configuration.faults.serverErrorRate = 1
            case .malformed: configuration.faults.malformedBodyRate = 1
            case .unavailable: configuration.faults.unavailable = true
            }
        }) { h in
            let error = await #expect(throws: ProviderError.self) { try await submitOnce(provider, h) }
            let expected: ProviderError.Code =
                switch fault {
                case .rateLimit: .rateLimited
                case .serverError, .unavailable: .serverError
                case .malformed: .malformedResponse
                }
            #expect(error?.code == expected, "\(String(describing: error))")
            #expect(error?.isRetryable == true)
            if fault == .rateLimit, provider != .hailuo {
                // MiniMax signals throttling in base_resp with HTTP 200, so it has no Retry-After.
                #expect(error?.retryAfter == .seconds(3))
            }
        }
    }

    /// One representative task-creating call per client.
    func submitOnce(_ provider: GenerationProvider, _ h: Harness) async throws {
        let frame = try VipsImagePreparer().fit(productPhoto(), aspectWidth: 9, aspectHeight: 16, mode: .crop, minimumShortSide: 300)
        switch provider {
        case .wanx: _ = try await h.wanx().submitTextToImage(prompt: "p", width: 1024, height: 1024, idempotencyKey: "f")
        case .qwen: _ = try await h.qwen().generateCopy(CopyCommand(productName: "Mug", language: "en"), idempotencyKey: "f")
        case .kling:
            _ = try await h.kling().submit(
                imageBase64: Data(frame.png).base64EncodedString(), prompt: "p", durationSeconds: 5, mode: .standard,
                externalTaskID: nil, idempotencyKey: "f")
        case .hailuo:
            _ = try await h.hailuo().submit(
                firstFrameImage: "data:image/png;base64," + Data(frame.png).base64EncodedString(), prompt: "p",
                durationSeconds: 6, idempotencyKey: "f")
        case .jimeng: _ = try await h.jimeng().submit(prompt: "p", width: nil, height: nil, idempotencyKey: "f")
        }
    }

    // MARK: Qwen

    @Test("Qwen returns validated copy in the requested language", arguments: ["en", "zh-CN", "de"])
    func qwenCopy(language: String) async throws {
        try await Harness.run { h in
            let (copy, usage, model) = try await h.qwen().generateCopy(
                CopyCommand(productName: "Ceramic Mug", attributes: ["capacity": "350 ml"], language: language),
                idempotencyKey: "c-1")
            #expect(copy.bullets.count == 5)
            #expect(!copy.keywords.isEmpty)
            #expect(copy.title.contains("Ceramic Mug"))
            #expect(model == "qwen-plus")
            #expect(usage.inputTokens > 0 && usage.outputTokens > 0)
            if language.hasPrefix("zh") {
                #expect(copy.description.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) })
            }
            if language == "de" { #expect(copy.title.contains("Qualität")) }
        }
    }

    @Test("Qwen rejects malformed model output and asks again; gives up with malformed-output")
    func qwenMalformedOutput() async throws {
        try await Harness.run({ $0.faults.malformedOutputRate = 1 }) { h in
            let error = await #expect(throws: ProviderError.self) {
                _ = try await h.qwen(attempts: 3).generateCopy(CopyCommand(productName: "Mug", language: "en"), idempotencyKey: "c")
            }
            #expect(error?.code == .malformedOutput)
            #expect(h.simulator.stats()[.qwen].completions == 3)
        }
        try await Harness.run({ configuration in
            configuration.faults.malformedOutputRate = 0.5
            configuration.seed = 3
        }) { h in
            for index in 0..<10 {
                let result = try await h.qwen(attempts: 10).generateCopy(
                    CopyCommand(productName: "Mug \(index)", language: "en"), idempotencyKey: "c\(index)")
                #expect(result.copy.bullets.count == 5)
            }
            #expect(h.simulator.stats()[.qwen].malformed > 0)
        }
    }

    @Test("Qwen output validation")
    func qwenParse() {
        let good = #"{"title":"T","bullets":["a","b","c","d","e"],"description":"D","keywords":["k"]}"#
        #expect((try? QwenClient.parse(good, language: "en").get()) != nil)
        #expect((try? QwenClient.parse("```json\n\(good)\n```", language: "en").get()) != nil)
        #expect((try? QwenClient.parse(good, language: "zh-CN").get()) == nil)
        let four = #"{"title":"T","bullets":["a","b","c","d"],"description":"D","keywords":["k"]}"#
        #expect((try? QwenClient.parse(four, language: "en").get()) == nil)
        #expect((try? QwenClient.parse("Sure! Here it is.", language: "en").get()) == nil)
    }

    @Test("Qwen authentication and moderation")
    func qwenErrors() async throws {
        try await Harness.run { h in
            let wrong = await #expect(throws: ProviderError.self) {
                _ = try await h.qwen(apiKey: "sk-bad").generateCopy(CopyCommand(productName: "Mug", language: "en"), idempotencyKey: "c")
            }
            #expect(wrong?.code == .authenticationFailed)
            #expect(wrong?.vendorCode == "invalid_api_key")
            let moderated = await #expect(throws: ProviderError.self) {
                _ = try await h.qwen().generateCopy(CopyCommand(productName: "FORBIDDEN thing", language: "en"), idempotencyKey: "c")
            }
            #expect(moderated?.code == .contentModeration)
        }
    }

    // MARK: Kling

    @Test("Kling: JWT accepted, submitted → processing → succeed, find by external_task_id")
    func klingLifecycle() async throws {
        try await Harness.run({ $0.queriesPerPhase = 2 }) { h in
            let client = h.kling()
            let frame = try VipsImagePreparer().fit(productPhoto(), aspectWidth: 9, aspectHeight: 16, mode: .pad, minimumShortSide: 300)
            let taskID = try await client.submit(
                imageBase64: Data(frame.png).base64EncodedString(), prompt: "slow zoom", durationSeconds: 10,
                mode: .professional, externalTaskID: "asset-kling-1", idempotencyKey: "asset-kling-1")
            let found = try await client.find(externalTaskID: "asset-kling-1", idempotencyKey: nil)
            #expect(found?.taskID == taskID)
            #expect(try await client.find(externalTaskID: "nobody", idempotencyKey: nil) == nil)
            let (snapshot, statuses) = try await pollToEnd { try await client.poll(taskID: taskID, idempotencyKey: nil) }
            #expect(statuses == ["submitted", "processing", "succeed"])
            #expect(snapshot.output?.durationSeconds == 10)
            let video = try await client.http.download(try #require(snapshot.output?.urls.first))
            #expect(String(decoding: video[4..<8], as: UTF8.self) == "ftyp")
        }
    }

    @Test("Kling: a wrong secret or an expired token is refused; the cache refreshes before expiry")
    func klingAuthentication() async throws {
        try await Harness.run { h in
            let frame = Data(try VipsImagePreparer().fit(productPhoto(), aspectWidth: 1, aspectHeight: 1, mode: .crop, minimumShortSide: 300).png)
                .base64EncodedString()
            let wrong = await #expect(throws: ProviderError.self) {
                _ = try await h.kling(secretKey: "not-the-secret").submit(
                    imageBase64: frame, prompt: "p", durationSeconds: 5, mode: .standard, externalTaskID: nil, idempotencyKey: "k")
            }
            #expect(wrong?.code == .authenticationFailed)
            #expect(wrong?.vendorCode == "1000")
            // A clock an hour behind makes tokens that expired half an hour ago.
            let past = Int(Date().timeIntervalSince1970) - 3600
            let expired = await #expect(throws: ProviderError.self) {
                _ = try await h.kling(now: { past }).poll(taskID: "x", idempotencyKey: nil)
            }
            #expect(expired?.vendorCode == "1004")
        }
        // Token cache: reused until `refreshMargin` before expiry, then renewed.
        let clock = ManualClock(1_704_067_200)
        let cache = KlingTokenCache(accessKey: "AK", secretKey: "SK", lifetime: 1800, refreshMargin: 300, now: { clock.value })
        let first = cache.token()
        clock.value += 1400
        #expect(cache.token() == first)
        clock.value += 101
        #expect(cache.token() != first)
    }

    @Test("Kling JWT matches the self-computed example byte for byte")
    func klingJWTVector() {
        let token = KlingJWT.make(accessKey: "AKEXAMPLE", secretKey: "SKEXAMPLE", now: 1_704_067_200, lifetimeSeconds: 1800)
        #expect(
            token
                == "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJBS0VYQU1QTEUiLCJleHAiOjE3MDQwNjkwMDAsIm5iZiI6MTcwNDA2NzE5NX0.ki-4sRL-hKQqWY6b-Ff3eezIEd7sVeAjl_lBS8ntstk"
        )
    }

    @Test("Kling JWT verifies with an independent library (PyJWT)")
    func klingJWTWithPyJWT() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: PyJWT.python),
            "\(PyJWT.python) is missing: run bash deploy/setup.sh (it creates the .venv with PyJWT)")
        let now = Int(Date().timeIntervalSince1970)
        let token = KlingJWT.make(accessKey: "AK-SIM-KLING", secretKey: "SK-SIM-KLING", now: now)
        let claims = try await PyJWT.decode(token: token, secret: "SK-SIM-KLING")
        #expect(claims["iss"] as? String == "AK-SIM-KLING")
        #expect(claims["exp"] as? Int == now + 1800)
        #expect(claims["nbf"] as? Int == now - 5)
        await #expect(throws: PyJWT.Failure.self) { try await PyJWT.decode(token: token, secret: "wrong") }
    }

    @Test("Kling error classes: moderation, bad duration, failed task")
    func klingErrors() async throws {
        try await Harness.run(taskSeconds: 0.1, { $0.faults.failedTaskRate = 1 }) { h in
            let frame = Data(try VipsImagePreparer().fit(productPhoto(), aspectWidth: 1, aspectHeight: 1, mode: .crop, minimumShortSide: 300).png)
                .base64EncodedString()
            let moderated = await #expect(throws: ProviderError.self) {
                _ = try await h.kling().submit(
                    imageBase64: frame, prompt: "FORBIDDEN", durationSeconds: 5, mode: .standard, externalTaskID: nil, idempotencyKey: "k")
            }
            #expect(moderated?.code == .contentModeration)
            #expect(moderated?.vendorCode == "1301")
            let badDuration = await #expect(throws: ProviderError.self) {
                _ = try await h.kling().submit(
                    imageBase64: frame, prompt: "p", durationSeconds: 7, mode: .standard, externalTaskID: nil, idempotencyKey: "k")
            }
            #expect(badDuration?.code == .providerRejectedInput)
            let small = Data(productPhoto(width: 200, height: 200)).base64EncodedString()
            let tooSmall = await #expect(throws: ProviderError.self) {
                _ = try await h.kling().submit(
                    imageBase64: small, prompt: "p", durationSeconds: 5, mode: .standard, externalTaskID: nil, idempotencyKey: "k")
            }
            #expect(tooSmall?.code == .providerRejectedInput)
            let taskID = try await h.kling().submit(
                imageBase64: frame, prompt: "p", durationSeconds: 5, mode: .standard, externalTaskID: nil, idempotencyKey: "k")
            let (snapshot, _) = try await pollToEnd { try await h.kling().poll(taskID: taskID, idempotencyKey: nil) }
            #expect(snapshot.state == .failed)
            #expect(snapshot.failure?.code == .contentModeration)
            let missing = await #expect(throws: ProviderError.self) { _ = try await h.kling().poll(taskID: "nope", idempotencyKey: nil) }
            #expect(missing?.code == .taskNotFound)
        }
    }

    // MARK: Hailuo

    @Test("Hailuo: Preparing/Queueing → Processing → Success, file retrieval, 6 s for a 5 s request")
    func hailuoLifecycle() async throws {
        try await Harness.run({ $0.queriesPerPhase = 2 }) { h in
            let client = h.hailuo()
            #expect(client.offeredDuration(forRequested: 5) == 6)
            #expect(client.offeredDuration(forRequested: 10) == 10)
            let frame = try VipsImagePreparer().fit(productPhoto(), aspectWidth: 9, aspectHeight: 16, mode: .crop, minimumShortSide: 300)
            let taskID = try await client.submit(
                firstFrameImage: "data:image/png;base64," + Data(frame.png).base64EncodedString(), prompt: "pan",
                durationSeconds: 6, idempotencyKey: "h-1")
            let (snapshot, statuses) = try await pollToEnd { try await client.poll(taskID: taskID, idempotencyKey: "h-1") }
            #expect(statuses.first == "Preparing")
            #expect(statuses.contains("Queueing"))
            #expect(Array(statuses.suffix(2)) == ["Processing", "Success"])
            let file = try await client.retrieveFile(fileID: try #require(snapshot.resultHandle), idempotencyKey: "h-1")
            let video = try await client.http.download(file.url)
            #expect(video.count == file.bytes)
        }
    }

    @Test("Hailuo error classes: key (HTTP 200 + base_resp), moderation, invalid parameters, failed task")
    func hailuoErrors() async throws {
        try await Harness.run(taskSeconds: 0.1, { $0.faults.failedTaskRate = 1 }) { h in
            let image = "data:image/png;base64," + Data(productPhoto()).base64EncodedString()
            let wrong = await #expect(throws: ProviderError.self) {
                _ = try await h.hailuo(apiKey: "bad").submit(firstFrameImage: image, prompt: "p", durationSeconds: 6, idempotencyKey: "h")
            }
            #expect(wrong?.code == .authenticationFailed)
            #expect(wrong?.httpStatus == 200)
            let moderated = await #expect(throws: ProviderError.self) {
                _ = try await h.hailuo().submit(firstFrameImage: image, prompt: "FORBIDDEN", durationSeconds: 6, idempotencyKey: "h")
            }
            #expect(moderated?.code == .contentModeration)
            let invalid = await #expect(throws: ProviderError.self) {
                _ = try await h.hailuo().submit(firstFrameImage: image, prompt: "p", durationSeconds: 7, idempotencyKey: "h")
            }
            #expect(invalid?.code == .providerRejectedInput)
            let taskID = try await h.hailuo().submit(firstFrameImage: image, prompt: "p", durationSeconds: 6, idempotencyKey: "h")
            let (snapshot, _) = try await pollToEnd { try await h.hailuo().poll(taskID: taskID, idempotencyKey: nil) }
            #expect(snapshot.failure?.code == .contentModeration)
            #expect(snapshot.failure?.vendorCode == "1027")
            let missing = await #expect(throws: ProviderError.self) { _ = try await h.hailuo().poll(taskID: "nope", idempotencyKey: nil) }
            #expect(missing?.code == .taskNotFound)
        }
    }

    // MARK: Jimeng

    @Test("Volcengine signature matches the worked example")
    func volcengineSignatureVector() throws {
        let signer = VolcengineSigner(accessKey: "AKEXAMPLE", secretKey: "SKEXAMPLE")
        let body = Array(#"{"req_key":"jimeng_t2i_v31","prompt":"a red apple"}"#.utf8)
        let headers = signer.sign(
            method: "POST", query: [("Action", "CVSync2AsyncSubmitTask"), ("Version", "2022-08-31")],
            host: "visual.volcengineapi.com", body: body, date: Date(timeIntervalSince1970: 1_704_067_200))
        let map = Dictionary(headers, uniquingKeysWith: { $1 })
        #expect(map["X-Date"] == "20240101T000000Z")
        #expect(map["X-Content-Sha256"] == "720f7d1343ce2688347e27082c99140348c11bce0bebaa9244b9beee4b39caee")
        #expect(
            map["Authorization"]
                == "HMAC-SHA256 Credential=AKEXAMPLE/20240101/cn-north-1/cv/request, SignedHeaders=content-type;host;x-content-sha256;x-date, Signature=49c6575b0b649811627aa7d938c9a4089647545ca0a8186760fe8794d27fb9de"
        )
    }

    @Test("Jimeng: signed requests accepted, in_queue → generating → done, PNG out")
    func jimengLifecycle() async throws {
        try await Harness.run({ $0.queriesPerPhase = 2 }) { h in
            let client = h.jimeng()
            let taskID = try await client.submit(
                prompt: "a mug", width: 1328, height: 1328, referenceImages: [try VipsImagePreparer().cutOut(productPhoto()).png],
                idempotencyKey: "j-1")
            let (snapshot, statuses) = try await pollToEnd {
                try await client.poll(taskID: taskID, model: "jimeng_t2i_v40", idempotencyKey: "j-1")
            }
            #expect(statuses == ["in_queue", "generating", "done"])
            let png = try await client.http.download(try #require(snapshot.output?.urls.first))
            #expect(Array(png.prefix(8)) == pngSignature)
            let other = try await client.poll(taskID: taskID, model: "jimeng_t2i_v31", idempotencyKey: nil)
            #expect(other.failure?.code == .taskNotFound)
        }
    }

    @Test("Jimeng: a wrong secret or a skewed clock is refused; moderation and failed tasks")
    func jimengErrors() async throws {
        try await Harness.run(taskSeconds: 0.1, { $0.faults.failedTaskRate = 1 }) { h in
            let wrong = await #expect(throws: ProviderError.self) {
                _ = try await h.jimeng(secretKey: "nope").submit(prompt: "p", width: nil, height: nil, idempotencyKey: "j")
            }
            #expect(wrong?.code == .authenticationFailed)
            #expect(wrong?.vendorCode == "SignatureDoesNotMatch")
            let skewed = await #expect(throws: ProviderError.self) {
                _ = try await h.jimeng(now: { Date().addingTimeInterval(-3600) }).submit(
                    prompt: "p", width: nil, height: nil, idempotencyKey: "j")
            }
            #expect(skewed?.code == .authenticationFailed)
            let moderated = await #expect(throws: ProviderError.self) {
                _ = try await h.jimeng().submit(prompt: "FORBIDDEN", width: nil, height: nil, idempotencyKey: "j")
            }
            #expect(moderated?.code == .contentModeration)
            let invalid = await #expect(throws: ProviderError.self) {
                _ = try await h.jimeng().submit(prompt: "p", width: 100, height: 100, idempotencyKey: "j")
            }
            #expect(invalid?.code == .providerRejectedInput)
            let taskID = try await h.jimeng().submit(prompt: "p", width: nil, height: nil, idempotencyKey: "j")
            let (snapshot, _) = try await pollToEnd {
                try await h.jimeng().poll(taskID: taskID, model: "jimeng_t2i_v31", idempotencyKey: nil)
            }
            #expect(snapshot.failure?.code == .taskFailed)
            #expect(snapshot.failure?.vendorCode == "50500")
        }
    }
}

/// A settable clock for token-cache tests.
final class ManualClock: @unchecked Sendable {
    // Only touched from one test task at a time.
    var value: Int
    init(_ value: Int) { self.value = value }
}

/// Verifies tokens with PyJWT in the project's `.venv`.
enum PyJWT {
    struct Failure: Error { let output: String }

    static var python: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".venv/bin/python").path
    }

    static func decode(token: String, secret: String) async throws -> [String: Any] {
        let script = """
            import json, sys, jwt
            claims = jwt.decode(sys.argv[1], sys.argv[2], algorithms=["HS256"], options={"require": ["exp", "nbf", "iss"]})
            print(json.dumps(claims))
            """
        let pyjwt = try await FinishedProcess.run(python, ["-c", script, token, secret])
        guard pyjwt.status == 0,
            let claims = (try? JSONSerialization.jsonObject(with: pyjwt.output)) as? [String: Any]
        else { throw Failure(output: pyjwt.transcript) }
        return claims
    }
}
