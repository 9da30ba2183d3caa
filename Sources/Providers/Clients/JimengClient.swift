import AssetForgeConfiguration
import AsyncHTTPClient
import Foundation

/// Volcengine Jimeng through the visual API's sync-to-async actions: `CVSync2AsyncSubmitTask` then
/// `CVSync2AsyncGetResult`, each a signed `POST /?Action=…&Version=2022-08-31`.
public struct JimengClient: Sendable {
    /// Where and how to call.
    public struct Configuration: Sendable {
        /// `scheme://host[:port]`.
        public var baseURL: URL
        /// Access key id.
        public var accessKey: Secret
        /// Secret access key.
        public var secretKey: Secret
        /// `req_key` for text-to-image. Default `jimeng_t2i_v31`.
        public var textToImageModel = "jimeng_t2i_v31"
        /// `req_key` for image-guided generation (reference images) [M]. Default `jimeng_t2i_v40`.
        public var referenceImageModel = "jimeng_t2i_v40"
        /// Region. Default `cn-north-1`.
        public var region = "cn-north-1"

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
    let signer: VolcengineSigner
    let now: @Sendable () -> Date

    /// A client on the shared `HTTPClient`. `now` is the signing clock (for tests).
    public init(
        configuration: Configuration, httpClient: HTTPClient, http: VendorHTTPConfiguration = VendorHTTPConfiguration(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.http = VendorHTTP(client: httpClient, configuration: http, provider: .jimeng)
        self.signer = VolcengineSigner(
            accessKey: configuration.accessKey.unredactedValue, secretKey: configuration.secretKey.unredactedValue,
            region: configuration.region, service: "cv")
        self.now = now
    }

    /// Submits a generation; returns the task id. With `referenceImages` (PNG/JPEG bytes) the
    /// ``Configuration/referenceImageModel`` is used, else ``Configuration/textToImageModel``.
    public func submit(
        prompt: String, width: Int?, height: Int?, referenceImages: [[UInt8]] = [], model: String? = nil,
        idempotencyKey: String
    ) async throws(ProviderError) -> String {
        var body: [String: Any] = [
            "req_key": model ?? (referenceImages.isEmpty ? configuration.textToImageModel : configuration.referenceImageModel),
            "prompt": prompt,
            "seed": -1,
        ]
        if let width, let height {
            body["width"] = width
            body["height"] = height
        }
        if !referenceImages.isEmpty {
            body["binary_data_base64"] = referenceImages.map { Data($0).base64EncodedString() }
        }
        let answer = try await call(action: "CVSync2AsyncSubmitTask", body: JSONBody.encode(body), key: idempotencyKey)
        guard let taskID = answer.data?.taskId, !taskID.isEmpty else {
            throw ProviderError(.malformedResponse, provider: .jimeng, message: "submit answer has no data.task_id")
        }
        return taskID
    }

    /// The `req_key` ``submit(prompt:width:height:referenceImages:model:idempotencyKey:)`` uses for these inputs.
    public func model(withReferenceImages: Bool) -> String {
        withReferenceImages ? configuration.referenceImageModel : configuration.textToImageModel
    }

    /// Polls a task (`CVSync2AsyncGetResult`, asking for URLs). `model` is the `req_key` it was submitted with.
    public func poll(taskID: String, model: String, idempotencyKey: String?) async throws(ProviderError) -> TaskSnapshot {
        let options = String(decoding: JSONBody.encode(["return_url": true]), as: UTF8.self)
        let body = JSONBody.encode(["req_key": model, "task_id": taskID, "req_json": options])
        let answer = try await call(action: "CVSync2AsyncGetResult", body: body, key: idempotencyKey)
        if let code = answer.code, !Self.isSuccess(code) {
            // `done` with a non-success code: the task finished and failed.
            let reason: ProviderError.Code = Self.reason(forCode: code, httpStatus: 200) == .contentModeration
                ? .contentModeration : .taskFailed
            return TaskSnapshot(
                state: .failed, vendorStatus: answer.data?.status ?? "done",
                failure: ProviderError(
                    reason, provider: .jimeng, message: answer.message ?? "task failed", vendorCode: String(code)))
        }
        guard let status = answer.data?.status else {
            throw ProviderError(.malformedResponse, provider: .jimeng, message: "result answer has no data.status")
        }
        switch status {
        case "in_queue": return TaskSnapshot(state: .queued, vendorStatus: status)
        case "generating": return TaskSnapshot(state: .running, vendorStatus: status)
        case "done":
            let urls = (answer.data?.imageUrls ?? []).compactMap(URL.init(string:))
            let inline = (answer.data?.binaryDataBase64 ?? []).compactMap { Data(base64Encoded: $0).map { [UInt8]($0) } }
            guard !urls.isEmpty || !inline.isEmpty else {
                return TaskSnapshot(
                    state: .failed, vendorStatus: status,
                    failure: ProviderError(.resultUnavailable, provider: .jimeng, message: "done without images"))
            }
            let output = ProviderOutput(
                urls: urls, inlineImages: inline, model: model, usage: ProviderUsage(images: max(urls.count, inline.count)))
            return TaskSnapshot(state: .succeeded, vendorStatus: status, output: output)
        case "not_found", "expired":
            return TaskSnapshot(
                state: .failed, vendorStatus: status,
                failure: ProviderError(.taskNotFound, provider: .jimeng, message: "task \(taskID) is \(status)"))
        default:
            throw ProviderError(.malformedResponse, provider: .jimeng, message: "unknown status \(status)")
        }
    }

    // MARK: Wire

    struct Answer: Decodable {
        struct DataBody: Decodable {
            let taskId: String?
            let status: String?
            let imageUrls: [String]?
            let binaryDataBase64: [String]?
        }
        let code: Int?
        let message: String?
        let requestId: String?
        let data: DataBody?
    }

    private struct GatewayError: Decodable {
        struct Metadata: Decodable {
            struct Detail: Decodable {
                let Code: String?
                let Message: String?
            }
            let Error: Detail?
        }
        let ResponseMetadata: Metadata?
    }

    /// [M] Success is 10000 in client code; one transcription shows 0. Both are accepted.
    static func isSuccess(_ code: Int) -> Bool { code == 10000 || code == 0 }

    /// [U] Business codes: 50429/50430 throttling, 5041x/5051x content safety, 505xx internal.
    static func reason(forCode code: Int, httpStatus: Int) -> ProviderError.Code {
        switch code {
        case 50429, 50430: .rateLimited
        case 50411...50419, 50511...50519: .contentModeration
        case 50500...50510, 50520...50599: .serverError
        default: httpStatus >= 500 ? .serverError : .providerRejectedInput
        }
    }

    private func call(action: String, body: [UInt8], key: String?) async throws(ProviderError) -> Answer {
        let base = configuration.baseURL
        let query = [("Action", action), ("Version", "2022-08-31")]
        var host = base.host ?? ""
        if let port = base.port { host += ":\(port)" }
        let headers = signer.sign(method: "POST", path: "/", query: query, host: host, body: body, date: now())
        let url = base.absoluteString.trimmingTrailingSlashes + "/?Action=\(action)&Version=2022-08-31"
        let response = try await http.send(.POST, url, headers: headers, body: body, idempotencyKey: key)
        if let gateway = try? JSONDecoder().decode(GatewayError.self, from: response.body),
            let detail = gateway.ResponseMetadata?.Error
        {
            let reason: ProviderError.Code =
                switch response.status {
                case 429: .rateLimited
                case 500...: .serverError
                case 400: .providerRejectedInput
                default: .authenticationFailed
                }
            throw ProviderError(
                reason, provider: .jimeng, message: detail.Message ?? "gateway error", httpStatus: response.status,
                vendorCode: detail.Code, retryAfter: response.retryAfter)
        }
        let decoded = try? JSONDecoder.snakeCase.decode(Answer.self, from: response.body)
        guard let answer = decoded, let code = answer.code else {
            if !response.isSuccess {
                throw ProviderError(
                    response.status >= 500 ? .serverError : (response.status == 429 ? .rateLimited : .providerRejectedInput),
                    provider: .jimeng, message: "HTTP \(response.status)", httpStatus: response.status,
                    retryAfter: response.retryAfter)
            }
            throw ProviderError(.malformedResponse, provider: .jimeng, message: "answer without code", httpStatus: response.status)
        }
        if Self.isSuccess(code) { return answer }
        // A finished task that failed: the poll reports it as the task's outcome, not as a call error.
        if action == "CVSync2AsyncGetResult", answer.data?.status == "done" { return answer }
        throw ProviderError(
            Self.reason(forCode: code, httpStatus: response.status), provider: .jimeng, message: answer.message ?? "error \(code)", httpStatus: response.status,
            vendorCode: String(code), retryAfter: response.retryAfter)
    }
}
