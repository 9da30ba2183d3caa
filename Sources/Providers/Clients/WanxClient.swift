import AssetForgeConfiguration
import AsyncHTTPClient
import Foundation
import NIOHTTP1

/// DashScope Wanx: background generation (product cut-out → scene) and text-to-image, both asynchronous
/// (`X-DashScope-Async: enable`, then `GET /api/v1/tasks/{id}`), with a bearer API key.
public struct WanxClient: Sendable {
    /// Where and how to call.
    public struct Configuration: Sendable {
        /// `scheme://host[:port]`; paths are appended.
        public var baseURL: URL
        /// The DashScope API key.
        public var apiKey: Secret
        /// Background-generation model. Default `wanx-background-generation-v2`.
        public var backgroundModel = "wanx-background-generation-v2"
        /// `parameters.model_version` for background generation [M]. Default `v3`.
        public var backgroundModelVersion = "v3"
        /// Text-to-image model. Default `wanx2.1-t2i-turbo`.
        public var textToImageModel = "wanx2.1-t2i-turbo"

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
        self.http = VendorHTTP(client: httpClient, configuration: http, provider: .wanx)
    }

    private var root: String { configuration.baseURL.absoluteString.trimmingTrailingSlashes + "/api/v1" }

    private func headers(async: Bool) -> [(String, String)] {
        var headers = [("Authorization", "Bearer \(configuration.apiKey.unredactedValue)")]
        if async {
            headers.append(("Content-Type", "application/json"))
            headers.append(("X-DashScope-Async", "enable"))
        }
        return headers
    }

    /// Submits a background-generation task; returns the task id.
    ///
    /// - Parameter baseImageURL: the product cut-out (RGBA PNG) as a public URL or a `data:` URI.
    public func submitBackground(
        baseImageURL: String, prompt: String, negativePrompt: String? = nil, count: Int = 1, idempotencyKey: String
    ) async throws(ProviderError) -> String {
        var input: [String: Any] = ["base_image_url": baseImageURL, "ref_prompt": prompt]
        if let negativePrompt { input["neg_ref_prompt"] = negativePrompt }
        let body: [String: Any] = [
            "model": configuration.backgroundModel,
            "input": input,
            "parameters": ["n": count, "model_version": configuration.backgroundModelVersion],
        ]
        // The vendor's examples all use the trailing slash on this path.
        return try await submit(path: "/services/aigc/background-generation/generation/", body: body, key: idempotencyKey)
    }

    /// Submits a text-to-image task; returns the task id.
    public func submitTextToImage(
        prompt: String, negativePrompt: String? = nil, width: Int, height: Int, count: Int = 1, idempotencyKey: String
    ) async throws(ProviderError) -> String {
        var input: [String: Any] = ["prompt": prompt]
        if let negativePrompt { input["negative_prompt"] = negativePrompt }
        let body: [String: Any] = [
            "model": configuration.textToImageModel,
            "input": input,
            "parameters": ["size": "\(width)*\(height)", "n": count],
        ]
        return try await submit(path: "/services/aigc/text2image/image-synthesis", body: body, key: idempotencyKey)
    }

    private struct SubmitAnswer: Decodable {
        struct Output: Decodable {
            let taskId: String?
            let taskStatus: String?
        }
        let output: Output?
        let requestId: String?
    }

    private func submit(path: String, body: [String: Any], key: String) async throws(ProviderError) -> String {
        let response = try await http.send(
            .POST, root + path, headers: headers(async: true), body: JSONBody.encode(body), idempotencyKey: key)
        guard response.isSuccess else { throw DashScopeErrors.error(from: response, provider: .wanx) }
        let answer = try response.decode(SubmitAnswer.self, provider: .wanx)
        guard let taskID = answer.output?.taskId, !taskID.isEmpty else {
            throw ProviderError(.malformedResponse, provider: .wanx, message: "submit answer has no output.task_id")
        }
        return taskID
    }

    struct TaskAnswer: Decodable {
        struct Output: Decodable {
            struct Result: Decodable {
                let url: String?
                let code: String?
                let message: String?
            }
            let taskId: String?
            let taskStatus: String?
            let results: [Result]?
            let code: String?
            let message: String?
        }
        struct Usage: Decodable {
            let imageCount: Int?
        }
        let output: Output?
        let usage: Usage?
    }

    /// Polls a task once. `model` is echoed into the output for costing.
    public func poll(taskID: String, model: String? = nil, idempotencyKey: String?) async throws(ProviderError) -> TaskSnapshot {
        let response = try await http.send(
            .GET, root + "/tasks/\(taskID.urlPathEscaped)", headers: headers(async: false), idempotencyKey: idempotencyKey)
        guard response.isSuccess else { throw DashScopeErrors.error(from: response, provider: .wanx) }
        let answer = try response.decode(TaskAnswer.self, provider: .wanx)
        guard let output = answer.output, let status = output.taskStatus else {
            throw ProviderError(.malformedResponse, provider: .wanx, message: "task answer has no output.task_status")
        }
        switch status {
        case "PENDING", "SUSPENDED":
            return TaskSnapshot(state: .queued, vendorStatus: status)
        case "RUNNING":
            return TaskSnapshot(state: .running, vendorStatus: status)
        case "SUCCEEDED":
            let urls = (output.results ?? []).compactMap { $0.url.flatMap(URL.init(string:)) }
            guard !urls.isEmpty else {
                let first = output.results?.first
                return TaskSnapshot(
                    state: .failed, vendorStatus: status,
                    failure: DashScopeErrors.taskFailure(code: first?.code, message: first?.message, provider: .wanx))
            }
            let images = answer.usage?.imageCount ?? urls.count
            let result = ProviderOutput(
                urls: urls, model: model ?? configuration.backgroundModel, usage: ProviderUsage(images: images))
            return TaskSnapshot(state: .succeeded, vendorStatus: status, output: result)
        case "FAILED", "CANCELED":
            return TaskSnapshot(
                state: .failed, vendorStatus: status,
                failure: DashScopeErrors.taskFailure(code: output.code, message: output.message ?? status, provider: .wanx))
        case "UNKNOWN":
            return TaskSnapshot(
                state: .failed, vendorStatus: status,
                failure: ProviderError(.taskNotFound, provider: .wanx, message: "task \(taskID) is unknown or expired"))
        default:
            throw ProviderError(.malformedResponse, provider: .wanx, message: "unknown task_status \(status)")
        }
    }
}

extension String {
    var trimmingTrailingSlashes: String {
        var text = self
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    var urlPathEscaped: String {
        addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? self
    }

    var urlQueryEscaped: String {
        addingPercentEncoding(
            withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"))
            ?? self
    }
}
