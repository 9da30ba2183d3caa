import Foundation

/// DashScope native API (Wanx async image tasks) and compatible-mode chat completions (Qwen).
struct DashScopeSimulation: Sendable {
    let core: SimulatorCore

    static let backgroundModels: Set<String> = ["wanx-background-generation-v2"]
    static let textToImageModels: Set<String> = [
        "wan2.5-t2i-preview", "wan2.2-t2i-flash", "wan2.2-t2i-plus", "wanx2.1-t2i-turbo", "wanx2.1-t2i-plus",
        "wanx2.0-t2i-turbo", "wanx-v1",
    ]

    // MARK: Errors

    static func error(_ status: Int, _ code: String, _ message: String) -> Answer {
        .json(status, ["request_id": requestID(), "code": code, "message": message])
    }

    /// OpenAI-compatible error shape used under `/compatible-mode`.
    static func compatibleError(_ status: Int, _ code: String, _ type: String, _ message: String) -> Answer {
        .json(
            status,
            [
                "error": ["message": message, "type": type, "param": NSNull(), "code": code] as [String: Any],
                "request_id": requestID(),
            ])
    }

    func authenticate(_ request: APIRequest, compatible: Bool) -> Answer? {
        let expected = "Bearer \(core.configuration.credentials.dashscopeAPIKey)"
        guard request.header("Authorization") == expected else {
            return compatible
                ? Self.compatibleError(
                    401, "invalid_api_key", "invalid_request_error",
                    "Incorrect API key provided. ")
                : Self.error(401, "InvalidApiKey", "Invalid API-key provided.")
        }
        return nil
    }

    // MARK: Wanx task creation

    func submitBackground(_ request: APIRequest) -> Answer {
        if let refusal = requireAsync(request) { return refusal }
        guard let body = request.jsonObject else { return invalid("The request body is not valid JSON.") }
        guard let model = body.string("model"), Self.backgroundModels.contains(model) else {
            return Self.error(404, "ModelNotFound", "Model not exist.")
        }
        guard let input = body.object("input"), let base = input.string("base_image_url"), !base.isEmpty else {
            return invalid("Field required: input.base_image_url")
        }
        let refPrompt = input.string("ref_prompt")
        guard (input.string("ref_image_url")?.isEmpty == false) || (refPrompt?.isEmpty == false) else {
            return invalid("One of input.ref_image_url or input.ref_prompt is required.")
        }
        // [U] The vendor is widely assumed to want an RGBA cut-out; the simulator enforces it for data URIs.
        if let image = DataURI.decode(base) {
            guard let info = PNGEncoder.dimensions(of: image) else {
                return Self.error(400, "InvalidParameter", "base_image_url: unsupported image format")
            }
            guard image.count > 25, image[25] == 6 else {
                return Self.error(400, "InvalidParameter", "base_image_url: a transparent-background (RGBA) image is required")
            }
            _ = info
        } else if !(base.hasPrefix("http://") || base.hasPrefix("https://")) {
            return Self.error(400, "BadRequest.InputDownloadFailed", "Failed to download the input image.")
        }
        if core.moderationTriggered(refPrompt, input.string("neg_ref_prompt")) {
            core.count(.wanx) { $0.moderationRejections += 1 }
            return Self.error(400, "DataInspectionFailed", "Input data may contain inappropriate content.")
        }
        let parameters = body.object("parameters") ?? [:]
        let n = parameters.int("n") ?? 1
        guard (1...4).contains(n) else { return invalid("parameters.n must be between 1 and 4") }
        return createTask(request, model: model, payload: .images(count: n, width: 800, height: 800))
    }

    func submitTextToImage(_ request: APIRequest) -> Answer {
        if let refusal = requireAsync(request) { return refusal }
        guard let body = request.jsonObject else { return invalid("The request body is not valid JSON.") }
        guard let model = body.string("model"), Self.textToImageModels.contains(model) else {
            return Self.error(404, "ModelNotFound", "Model not exist.")
        }
        guard let input = body.object("input"), let prompt = input.string("prompt"), !prompt.isEmpty else {
            return invalid("Field required: input.prompt")
        }
        let parameters = body.object("parameters") ?? [:]
        let size = parameters.string("size") ?? "1024*1024"
        let parts = size.split(separator: "*").compactMap { Int($0) }
        guard parts.count == 2 else { return invalid("parameters.size must be \"W*H\", for example \"1024*1024\"") }
        let (width, height) = (parts[0], parts[1])
        if model.hasPrefix("wan2.5") {
            let pixels = width * height
            guard pixels >= 1280 * 1280, pixels <= 1440 * 1440, width * 4 >= height, height * 4 >= width else {
                return invalid("parameters.size is out of range for \(model)")
            }
        } else if !(512...1440).contains(width) || !(512...1440).contains(height) {
            return invalid("parameters.size: width and height must be between 512 and 1440")
        }
        let n = parameters.int("n") ?? 1
        guard (1...4).contains(n) else { return invalid("parameters.n must be between 1 and 4") }
        if core.moderationTriggered(prompt, input.string("negative_prompt")) {
            core.count(.wanx) { $0.moderationRejections += 1 }
            return Self.error(400, "DataInspectionFailed", "Input data may contain inappropriate content.")
        }
        return createTask(request, model: model, payload: .images(count: n, width: width, height: height))
    }

    private func requireAsync(_ request: APIRequest) -> Answer? {
        guard request.header("X-DashScope-Async") == "enable" else {
            return Self.error(403, "AccessDenied", "current user api does not support synchronous calls")
        }
        return nil
    }

    private func invalid(_ message: String) -> Answer {
        core.count(.wanx) { $0.rejectedInputs += 1 }
        return Self.error(400, "InvalidParameter", message)
    }

    private func createTask(_ request: APIRequest, model: String, payload: SimulatedTask.Payload) -> Answer {
        guard
            let task = core.createTask(
                .wanx, payload: payload, model: model, idempotencyKey: request.idempotencyKey,
                failure: ("InternalError.Algo", "Algorithm process error."))
        else {
            return Self.error(429, "Throttling.RateQuota", "Requests rate limit exceeded, please try again later.")
        }
        return .json(200, ["request_id": requestID(), "output": ["task_id": task.id, "task_status": "PENDING"]])
    }

    // MARK: Task query

    func queryTask(_ request: APIRequest, id: String) -> Answer {
        guard let (task, phase) = core.lookup(id, service: .wanx), phase != .expired else {
            return .json(200, ["request_id": requestID(), "output": ["task_id": id, "task_status": "UNKNOWN"]])
        }
        var output: [String: Any] = [
            "task_id": task.id,
            "submit_time": Self.timestamp(task.createdWall),
        ]
        switch phase {
        case .queued:
            output["task_status"] = "PENDING"
        case .running:
            output["task_status"] = "RUNNING"
            output["scheduled_time"] = Self.timestamp(task.createdWall + task.duration * task.queuedFraction)
        case .succeeded, .failed:
            output["scheduled_time"] = Self.timestamp(task.createdWall + task.duration * task.queuedFraction)
            output["end_time"] = Self.timestamp(task.endWall)
        case .expired:
            break
        }
        var answer: [String: Any] = ["request_id": requestID(), "output": output]
        guard case .images(let count, _, _) = task.payload else { return .json(200, answer) }
        if phase == .succeeded {
            output["task_status"] = "SUCCEEDED"
            output["results"] = (0..<count).map { index in
                ["url": core.resultURL(host: request.authority, taskID: task.id, index: index, fileExtension: "png")]
            }
            output["task_metrics"] = ["TOTAL": count, "SUCCEEDED": count, "FAILED": 0]
            answer["usage"] = ["image_count": count]
        } else if phase == .failed, case .failure(let code, let message) = task.outcome {
            output["task_status"] = "FAILED"
            output["code"] = code
            output["message"] = message
            output["task_metrics"] = ["TOTAL": count, "SUCCEEDED": 0, "FAILED": count]
        }
        answer["output"] = output
        return .json(200, answer)
    }

    static func timestamp(_ unix: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        return formatter.string(from: Date(timeIntervalSince1970: unix))
    }

    // MARK: Qwen chat completions (compatible mode)

    func chatCompletion(_ request: APIRequest) -> Answer {
        guard let body = request.jsonObject else {
            return Self.compatibleError(400, "invalid_request_error", "invalid_request_error", "The request body is not valid JSON.")
        }
        guard let model = body.string("model"), model.hasPrefix("qwen") else {
            return Self.compatibleError(404, "model_not_found", "invalid_request_error", "The model does not exist.")
        }
        guard let messages = body["messages"] as? [[String: Any]], !messages.isEmpty else {
            core.count(.qwen) { $0.rejectedInputs += 1 }
            return Self.compatibleError(400, "invalid_parameter_error", "invalid_request_error", "messages must not be empty")
        }
        let text = messages.compactMap { $0.string("content") }.joined(separator: "\n")
        let userText = messages.last { $0.string("role") == "user" }?.string("content") ?? text
        if core.moderationTriggered(text) {
            core.count(.qwen) { $0.moderationRejections += 1 }
            return Self.compatibleError(
                400, "data_inspection_failed", "data_inspection_failed", "Input data may contain inappropriate content.")
        }
        let language = Self.requestedLanguage(in: userText)
        let product = Self.productName(in: userText)
        let content: String
        if core.shouldMalformOutput() {
            content = "Sure! Here is some copy for \(product): a great product you will love."
        } else {
            content = SEOCopyWriter.json(product: product, language: language)
        }
        core.count(.qwen) { $0.completions += 1 }
        core.countSubmission(idempotencyKey: request.idempotencyKey)
        let promptTokens = max(1, text.utf8.count / 4)
        let completionTokens = max(1, content.utf8.count / 4)
        return .json(
            200,
            [
                "id": "chatcmpl-\(requestID())",
                "object": "chat.completion",
                "created": Int(Date().timeIntervalSince1970),
                "model": model,
                "choices": [
                    [
                        "index": 0, "finish_reason": "stop",
                        "message": ["role": "assistant", "content": content],
                    ] as [String: Any]
                ],
                "usage": [
                    "prompt_tokens": promptTokens, "completion_tokens": completionTokens,
                    "total_tokens": promptTokens + completionTokens,
                ],
            ])
    }

    /// The value of the first `"language": "…"` in the prompt, else `en`.
    static func requestedLanguage(in text: String) -> String {
        firstJSONString(after: "\"language\"", in: text) ?? "en"
    }

    static func productName(in text: String) -> String {
        firstJSONString(after: "\"title\"", in: text) ?? firstJSONString(after: "\"product\"", in: text) ?? "this product"
    }

    private static func firstJSONString(after key: String, in text: String) -> String? {
        guard let keyRange = text.range(of: key) else { return nil }
        let rest = text[keyRange.upperBound...].drop { $0 == " " || $0 == ":" }
        guard rest.first == "\"" else { return nil }
        let value = rest.dropFirst().prefix { $0 != "\"" }
        return value.isEmpty ? nil : String(value)
    }
}

/// Decodes `data:<mime>;base64,<data>` URIs.
enum DataURI {
    static func decode(_ text: String) -> [UInt8]? {
        guard text.hasPrefix("data:"), let comma = text.firstIndex(of: ",") else { return nil }
        guard text[..<comma].hasSuffix(";base64") else { return nil }
        return Data(base64Encoded: String(text[text.index(after: comma)...])).map { [UInt8]($0) }
    }
}
