import AssetForgeConfiguration
import AsyncHTTPClient
import Foundation

/// MiniMax Hailuo video (v1): `POST /v1/video_generation`, `GET /v1/query/video_generation?task_id=`,
/// `GET /v1/files/retrieve?file_id=`, bearer key. Errors come in `base_resp`, often with HTTP 200.
public struct HailuoClient: Sendable {
    /// Where and how to call.
    public struct Configuration: Sendable {
        /// `scheme://host[:port]`.
        public var baseURL: URL
        /// The MiniMax API key.
        public var apiKey: Secret
        /// Model. Default `MiniMax-Hailuo-02`.
        public var model = "MiniMax-Hailuo-02"
        /// `768P` or `1080P` (6 s only). Default `768P`.
        public var resolution = "768P"
        /// Let the vendor rewrite prompts. Default true.
        public var promptOptimizer = true

        /// A configuration.
        public init(baseURL: URL, apiKey: Secret) {
            self.baseURL = baseURL
            self.apiKey = apiKey
        }
    }

    /// The configuration.
    public let configuration: Configuration
    let http: VendorHTTP

    /// A client on the shared `HTTPClient`.
    public init(configuration: Configuration, httpClient: HTTPClient, http: VendorHTTPConfiguration = VendorHTTPConfiguration()) {
        self.configuration = configuration
        self.http = VendorHTTP(client: httpClient, configuration: http, provider: .hailuo)
    }

    /// The length Hailuo will make for a requested length: 6 s or 10 s (10 s only at 768P).
    public func offeredDuration(forRequested seconds: Int) -> Int {
        seconds > 6 && configuration.resolution != "1080P" ? 10 : 6
    }

    private var root: String { configuration.baseURL.absoluteString.trimmingTrailingSlashes }
    private var headers: [(String, String)] {
        [("Authorization", "Bearer \(configuration.apiKey.unredactedValue)"), ("Content-Type", "application/json")]
    }

    /// Submits a video task from a first frame (public URL or `data:` URL); returns the task id.
    /// `durationSeconds` must be one Hailuo offers (see ``offeredDuration(forRequested:)``).
    public func submit(firstFrameImage: String, prompt: String, durationSeconds: Int, idempotencyKey: String)
        async throws(ProviderError) -> String
    {
        let body: [String: Any] = [
            "model": configuration.model,
            "prompt": prompt,
            "first_frame_image": firstFrameImage,
            "duration": durationSeconds,
            "resolution": configuration.resolution,
            "prompt_optimizer": configuration.promptOptimizer,
        ]
        let response = try await http.send(
            .POST, root + "/v1/video_generation", headers: headers, body: JSONBody.encode(body), idempotencyKey: idempotencyKey)
        let answer: SubmitAnswer = try Self.checked(response)
        guard let taskID = answer.taskId, !taskID.isEmpty else {
            throw ProviderError(.malformedResponse, provider: .hailuo, message: "submit answer has no task_id")
        }
        return taskID
    }

    /// Polls a task. On `Success` the snapshot's ``TaskSnapshot/resultHandle`` is the `file_id` to retrieve.
    public func poll(taskID: String, idempotencyKey: String?) async throws(ProviderError) -> TaskSnapshot {
        let response = try await http.send(
            .GET, root + "/v1/query/video_generation?task_id=" + taskID.urlQueryEscaped, headers: headers,
            idempotencyKey: idempotencyKey)
        let answer: QueryAnswer
        do {
            answer = try Self.checked(response)
        } catch let error where error.code == .providerRejectedInput && error.message.contains("not found") {
            throw ProviderError(.taskNotFound, provider: .hailuo, message: error.message, vendorCode: error.vendorCode)
        }
        guard let status = answer.status else {
            throw ProviderError(.malformedResponse, provider: .hailuo, message: "query answer has no status")
        }
        switch status {
        case "Preparing", "Queueing": return TaskSnapshot(state: .queued, vendorStatus: status)
        case "Processing": return TaskSnapshot(state: .running, vendorStatus: status)
        case "Success":
            guard let fileID = answer.fileId, !fileID.isEmpty else {
                throw ProviderError(.malformedResponse, provider: .hailuo, message: "Success without file_id")
            }
            return TaskSnapshot(state: .succeeded, vendorStatus: status, resultHandle: fileID)
        case "Fail":
            let code = answer.errorCode
            let moderation = code == 1026 || code == 1027
            return TaskSnapshot(
                state: .failed, vendorStatus: status,
                failure: ProviderError(
                    moderation ? .contentModeration : .taskFailed, provider: .hailuo,
                    message: answer.errorMessage ?? "task failed", vendorCode: code.map(String.init)))
        default:
            throw ProviderError(.malformedResponse, provider: .hailuo, message: "unknown status \(status)")
        }
    }

    /// Retrieves a finished task's file: its download URL (temporary) and size.
    public func retrieveFile(fileID: String, idempotencyKey: String?) async throws(ProviderError) -> (url: URL, bytes: Int?) {
        let response = try await http.send(
            .GET, root + "/v1/files/retrieve?file_id=" + fileID.urlQueryEscaped, headers: headers,
            idempotencyKey: idempotencyKey)
        let answer: FileAnswer = try Self.checked(response)
        guard let url = answer.file?.downloadUrl.flatMap(URL.init(string:)) else {
            throw ProviderError(.resultUnavailable, provider: .hailuo, message: "file \(fileID) has no download_url")
        }
        return (url, answer.file?.bytes)
    }

    // MARK: Wire

    struct BaseResponse: Decodable {
        let statusCode: Int?
        let statusMsg: String?
    }
    struct SubmitAnswer: Decodable, HasBaseResponse {
        let taskId: String?
        let baseResp: BaseResponse?
    }
    struct QueryAnswer: Decodable, HasBaseResponse {
        let taskId: String?
        let status: String?
        let fileId: String?
        let videoWidth: Int?
        let videoHeight: Int?
        let errorCode: Int?
        let errorMessage: String?
        let baseResp: BaseResponse?
    }
    struct FileAnswer: Decodable, HasBaseResponse {
        struct File: Decodable {
            let fileId: String?
            let bytes: Int?
            let downloadUrl: String?
        }
        let file: File?
        let baseResp: BaseResponse?
    }

    /// Decodes `T` and turns a non-zero `base_resp.status_code` (or a non-2xx status) into an error.
    static func checked<T: Decodable & HasBaseResponse>(_ response: VendorResponse) throws(ProviderError) -> T {
        let trace = response.headers.first(name: "Trace-Id").map { " (Trace-Id \($0))" } ?? ""
        let decoded = try? JSONDecoder.snakeCase.decode(T.self, from: response.body)
        let code = decoded?.baseResp?.statusCode
        if response.isSuccess, let decoded, code == 0 { return decoded }
        if response.isSuccess, decoded == nil || code == nil {
            throw ProviderError(
                .malformedResponse, provider: .hailuo, message: "answer without base_resp\(trace)", httpStatus: response.status)
        }
        let message = (decoded?.baseResp?.statusMsg ?? "HTTP \(response.status)") + trace
        let reason: ProviderError.Code
        switch code {
        case .some(1000): reason = .serverError
        case .some(1002): reason = .rateLimited
        case .some(1004), .some(2038): reason = .authenticationFailed
        case .some(1008): reason = .quotaExhausted
        case .some(1026), .some(1027): reason = .contentModeration
        case .some(2013): reason = .providerRejectedInput
        default: reason = .forHTTPStatus(response.status, otherwise: .serverError)
        }
        throw ProviderError(
            reason, provider: .hailuo, message: message, httpStatus: response.status, vendorCode: code.map(String.init),
            retryAfter: response.retryAfter)
    }
}

protocol HasBaseResponse {
    var baseResp: HailuoClient.BaseResponse? { get }
}
