import AssetForgeConfiguration
import AsyncHTTPClient
import Foundation

/// Kling image-to-video: `POST /v1/videos/image2video`, query by task id or by our `external_task_id`
/// (the asset id), with a JWT (HS256) bearer token made from the access and secret keys.
public struct KlingClient: Sendable {
    /// Where and how to call.
    public struct Configuration: Sendable {
        /// `scheme://host[:port]`.
        public var baseURL: URL
        /// Access key (JWT `iss`).
        public var accessKey: Secret
        /// Secret key (HS256 key).
        public var secretKey: Secret
        /// Model. Default `kling-v1-6`.
        public var model = "kling-v1-6"
        /// Token lifetime in seconds. Default 600 (shorter than the vendor's 1800-second example, to limit the
        /// damage of a leaked token).
        public var tokenLifetimeSeconds = 600
        /// Make a new token this many seconds before the cached one expires. Default 60.
        public var tokenRefreshMarginSeconds = 60
        /// Guidance scale, 0–1. Default 0.5.
        public var cfgScale = 0.5

        /// A configuration.
        public init(baseURL: URL, accessKey: Secret, secretKey: Secret) {
            self.baseURL = baseURL
            self.accessKey = accessKey
            self.secretKey = secretKey
        }
    }

    /// The configuration.
    public let configuration: Configuration
    let http: VendorHTTP
    let tokens: KlingTokenCache

    /// A client on the shared `HTTPClient`. `now` (Unix seconds) is for tests of token expiry.
    public init(
        configuration: Configuration, httpClient: HTTPClient, http: VendorHTTPConfiguration = VendorHTTPConfiguration(),
        now: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }
    ) {
        self.configuration = configuration
        self.http = VendorHTTP(client: httpClient, configuration: http, provider: .kling)
        self.tokens = KlingTokenCache(
            accessKey: configuration.accessKey.unredactedValue, secretKey: configuration.secretKey.unredactedValue,
            lifetime: configuration.tokenLifetimeSeconds, refreshMargin: configuration.tokenRefreshMarginSeconds, now: now)
    }

    private var endpoint: String { configuration.baseURL.absoluteString.trimmingTrailingSlashes + "/v1/videos/image2video" }

    private var headers: [(String, String)] {
        [("Authorization", "Bearer \(tokens.token())"), ("Content-Type", "application/json")]
    }

    /// Submits an image-to-video task; returns the task id.
    ///
    /// - Parameters:
    ///   - imageBase64: the first frame as raw base64 (no `data:` prefix), or a public URL.
    ///   - durationSeconds: 5 or 10.
    ///   - externalTaskID: our id for the task (the asset id), unique per account; enables ``find(externalTaskID:idempotencyKey:)``.
    public func submit(
        imageBase64: String, prompt: String, negativePrompt: String? = nil, durationSeconds: Int, mode: VideoCommand.Mode,
        externalTaskID: String?, idempotencyKey: String
    ) async throws(ProviderError) -> String {
        guard durationSeconds == 5 || durationSeconds == 10 else {
            throw ProviderError(.providerRejectedInput, provider: .kling, message: "Kling makes 5 s or 10 s videos, not \(durationSeconds) s")
        }
        var body: [String: Any] = [
            "model_name": configuration.model,
            "image": imageBase64,
            "prompt": prompt,
            "cfg_scale": configuration.cfgScale,
            "mode": mode.rawValue,
            "duration": String(durationSeconds),
        ]
        if let negativePrompt { body["negative_prompt"] = negativePrompt }
        if let externalTaskID { body["external_task_id"] = externalTaskID }
        let response = try await send(.POST, endpoint, body: JSONBody.encode(body), key: idempotencyKey)
        let envelope = try response.decode(Envelope<TaskData>.self, provider: .kling)
        guard let taskID = envelope.data?.taskId else {
            throw ProviderError(.malformedResponse, provider: .kling, message: "submit answer has no data.task_id")
        }
        return taskID
    }

    /// Polls a task by its id.
    public func poll(taskID: String, idempotencyKey: String?) async throws(ProviderError) -> TaskSnapshot {
        let response = try await send(.GET, endpoint + "/" + taskID.urlPathEscaped, body: nil, key: idempotencyKey)
        let envelope = try response.decode(Envelope<TaskData>.self, provider: .kling)
        guard let data = envelope.data else {
            throw ProviderError(.malformedResponse, provider: .kling, message: "query answer has no data")
        }
        return try snapshot(data)
    }

    /// Finds the task created with `externalTaskID`, or `nil` if there is none.
    ///
    /// [M] The query form `GET /v1/videos/image2video?external_task_id=…` and whether `data` is one task or a list
    /// are not confirmed; both shapes are accepted here, and only here.
    public func find(externalTaskID: String, idempotencyKey: String?) async throws(ProviderError)
        -> (taskID: String, snapshot: TaskSnapshot)?
    {
        let url = endpoint + "?external_task_id=" + externalTaskID.urlQueryEscaped
        let response: VendorResponse
        do {
            response = try await send(.GET, url, body: nil, key: idempotencyKey)
        } catch let error where error.vendorCode == "1203" {
            return nil
        }
        let tasks: [TaskData]
        if let list = try? JSONDecoder.snakeCase.decode(Envelope<[TaskData]>.self, from: response.body) {
            tasks = list.data ?? []
        } else {
            tasks = try response.decode(Envelope<TaskData>.self, provider: .kling).data.map { [$0] } ?? []
        }
        guard let data = tasks.first(where: { $0.taskInfo?.externalTaskId == externalTaskID }) ?? tasks.first,
            let taskID = data.taskId
        else { return nil }
        return (taskID, try snapshot(data))
    }

    // MARK: Wire

    struct Envelope<T: Decodable>: Decodable {
        let code: Int?
        let message: String?
        let requestId: String?
        let data: T?
    }

    struct TaskData: Decodable {
        struct Info: Decodable { let externalTaskId: String? }
        struct Result: Decodable {
            struct Video: Decodable {
                let id: String?
                let url: String?
                let duration: String?
            }
            let videos: [Video]?
        }
        let taskId: String?
        let taskStatus: String?
        let taskStatusMsg: String?
        let taskInfo: Info?
        let taskResult: Result?
    }

    private func snapshot(_ data: TaskData) throws(ProviderError) -> TaskSnapshot {
        guard let status = data.taskStatus else {
            throw ProviderError(.malformedResponse, provider: .kling, message: "task has no task_status")
        }
        switch status {
        case "submitted": return TaskSnapshot(state: .queued, vendorStatus: status)
        case "processing": return TaskSnapshot(state: .running, vendorStatus: status)
        case "succeed":
            guard let video = data.taskResult?.videos?.first, let url = video.url.flatMap(URL.init(string:)) else {
                return TaskSnapshot(
                    state: .failed, vendorStatus: status,
                    failure: ProviderError(.resultUnavailable, provider: .kling, message: "succeeded without a video URL"))
            }
            let seconds = video.duration.flatMap(Double.init)
            let output = ProviderOutput(
                urls: [url], model: configuration.model, durationSeconds: seconds,
                usage: ProviderUsage(videoSeconds: seconds ?? 0))
            return TaskSnapshot(state: .succeeded, vendorStatus: status, output: output)
        case "failed":
            let message = data.taskStatusMsg ?? "task failed"
            let lowered = message.lowercased()
            let moderation = ["risk", "security", "sensitive", "moderation", "policy"].contains { lowered.contains($0) }
            return TaskSnapshot(
                state: .failed, vendorStatus: status,
                failure: ProviderError(moderation ? .contentModeration : .taskFailed, provider: .kling, message: message))
        default:
            throw ProviderError(.malformedResponse, provider: .kling, message: "unknown task_status \(status)")
        }
    }

    private func send(_ method: HTTPMethodName, _ url: String, body: [UInt8]?, key: String?) async throws(ProviderError)
        -> VendorResponse
    {
        let response = try await http.send(method.nio, url, headers: headers, body: body, idempotencyKey: key)
        if let error = Self.error(from: response) {
            if error.code == .authenticationFailed { tokens.invalidate() }
            throw error
        }
        return response
    }

    private struct ErrorBody: Decodable {
        let code: Int?
        let message: String?
    }

    /// Kling answers `{code, message, request_id, data}`; `code` 0 is success. HTTP 429 carries both throttling
    /// (1302/1303, retryable) and billing problems (1100–1102, not retryable), so the business code decides.
    static func error(from response: VendorResponse) -> ProviderError? {
        let body = try? JSONDecoder.snakeCase.decode(ErrorBody.self, from: response.body)
        if response.isSuccess, body?.code == 0 || body?.code == nil { return nil }
        let code = body?.code
        let message = body?.message ?? "HTTP \(response.status)"
        let reason: ProviderError.Code
        switch code {
        case .some(1000...1004), .some(1103): reason = .authenticationFailed
        case .some(1100...1102): reason = .quotaExhausted
        case .some(1200...1202): reason = .providerRejectedInput
        case .some(1203): reason = .taskNotFound
        case .some(1300...1301): reason = .contentModeration
        case .some(1302...1303): reason = .rateLimited
        case .some(1304): reason = .authenticationFailed
        case .some(5000...5999): reason = .serverError
        default: reason = .forHTTPStatus(response.status, otherwise: .malformedResponse)
        }
        return ProviderError(
            reason, provider: .kling, message: message, httpStatus: response.status, vendorCode: code.map(String.init),
            retryAfter: response.retryAfter)
    }
}

/// The two methods the clients use, without importing NIOHTTP1 everywhere.
enum HTTPMethodName {
    case GET, POST

    var nio: NIOHTTP1.HTTPMethod { self == .GET ? .GET : .POST }
}

import NIOHTTP1
