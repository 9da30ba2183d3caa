import AssetForgeConfiguration
import AsyncHTTPClient
import Foundation

/// DashScope Qwen through the OpenAI-compatible chat completions endpoint, asked for SEO copy as one JSON object
/// `{title, bullets[5], description, keywords[]}` in the requested language. Model output that is not that
/// object is rejected and asked again, up to ``Configuration/maxOutputAttempts`` times.
public struct QwenClient: Sendable {
    /// Where and how to call.
    public struct Configuration: Sendable {
        /// `scheme://host[:port]`; `/compatible-mode/v1/chat/completions` is appended.
        public var baseURL: URL
        /// The DashScope API key.
        public var apiKey: Secret
        /// Model. Default `qwen-plus`.
        public var model = "qwen-plus"
        /// Sampling temperature. Default 0.7.
        public var temperature = 0.7
        /// Completion token cap. Default 1200.
        public var maxTokens = 1200
        /// How many completions to ask for before giving up on malformed output. Default 3.
        public var maxOutputAttempts = 3

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
        self.http = VendorHTTP(client: httpClient, configuration: http, provider: .qwen)
    }

    /// Copy for `command`; usage covers every completion asked for (rejected ones are billed too).
    public func generateCopy(_ command: CopyCommand, idempotencyKey: String) async throws(ProviderError)
        -> (copy: SEOCopy, usage: ProviderUsage, model: String)
    {
        var usage = ProviderUsage()
        var lastProblem = ""
        for _ in 0..<max(1, configuration.maxOutputAttempts) {
            let (content, used, model) = try await complete(messages: Self.messages(for: command), key: idempotencyKey)
            usage.inputTokens += used.inputTokens
            usage.outputTokens += used.outputTokens
            switch Self.parse(content, language: command.language) {
            case .success(let copy): return (copy, usage, model)
            case .failure(let problem): lastProblem = problem.message
            }
        }
        throw ProviderError(
            .malformedOutput, provider: .qwen,
            message: "no valid copy after \(configuration.maxOutputAttempts) completions; last problem: \(lastProblem)")
    }

    static func messages(for command: CopyCommand) -> [[String: String]] {
        let system = """
            You write e-commerce SEO copy. Reply with exactly one JSON object and nothing else, with the keys \
            title (string), bullets (an array of exactly 5 strings), description (string) and keywords (an array of \
            strings). Write every value in the language named in the request. Use only the facts given.
            """
        var request: [String: Any] = ["product": command.productName, "language": command.language]
        if !command.attributes.isEmpty { request["attributes"] = command.attributes }
        if let tone = command.tone { request["tone"] = tone }
        // "product" first so the request reads naturally; the remaining keys sorted.
        let user = String(decoding: JSONBody.encode(request), as: UTF8.self)
        return [["role": "system", "content": system], ["role": "user", "content": user]]
    }

    private struct Completion: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable { let content: String? }
            let message: Message?
            let finishReason: String?
        }
        struct Usage: Decodable {
            let promptTokens: Int?
            let completionTokens: Int?
        }
        let choices: [Choice]?
        let usage: Usage?
        let model: String?
    }

    /// One chat completion; returns the assistant's content.
    func complete(messages: [[String: String]], key: String) async throws(ProviderError)
        -> (content: String, usage: ProviderUsage, model: String)
    {
        let body: [String: Any] = [
            "model": configuration.model,
            "messages": messages,
            "temperature": configuration.temperature,
            "max_tokens": configuration.maxTokens,
            "response_format": ["type": "json_object"],
            "enable_thinking": false,
        ]
        let url = configuration.baseURL.absoluteString.trimmingTrailingSlashes + "/compatible-mode/v1/chat/completions"
        let response = try await http.send(
            .POST, url,
            headers: [
                ("Authorization", "Bearer \(configuration.apiKey.unredactedValue)"), ("Content-Type", "application/json"),
            ],
            body: JSONBody.encode(body), idempotencyKey: key)
        guard response.isSuccess else { throw DashScopeErrors.error(from: response, provider: .qwen) }
        let completion = try response.decode(Completion.self, provider: .qwen)
        guard let content = completion.choices?.first?.message?.content else {
            throw ProviderError(.malformedResponse, provider: .qwen, message: "completion has no choices[0].message.content")
        }
        let usage = ProviderUsage(
            inputTokens: completion.usage?.promptTokens ?? 0, outputTokens: completion.usage?.completionTokens ?? 0)
        return (content, usage, completion.model ?? configuration.model)
    }

    struct OutputProblem: Error {
        let message: String
    }

    /// Validates the model's content: one JSON object (a surrounding code fence is tolerated) with a non-empty
    /// title and description, exactly five non-empty bullets, at least one keyword, and CJK text when the language
    /// is Chinese or Japanese.
    static func parse(_ content: String, language: String) -> Result<SEOCopy, OutputProblem> {
        var text = content.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("```") {
            text = String(text.drop { $0 != "\n" }.dropFirst())
            if text.hasSuffix("```") { text = String(text.dropLast(3)) }
        }
        guard let copy = try? JSONDecoder().decode(SEOCopy.self, from: Data(text.utf8)) else {
            return .failure(OutputProblem(message: "not a JSON object with title, bullets, description, keywords"))
        }
        let blank = { (value: String) in value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        guard !blank(copy.title), !blank(copy.description) else {
            return .failure(OutputProblem(message: "empty title or description"))
        }
        guard copy.bullets.count == 5, !copy.bullets.contains(where: blank) else {
            return .failure(OutputProblem(message: "expected 5 non-empty bullets, got \(copy.bullets.count)"))
        }
        guard !copy.keywords.isEmpty, !copy.keywords.contains(where: blank) else {
            return .failure(OutputProblem(message: "no keywords"))
        }
        let code = language.lowercased().prefix(2)
        if code == "zh" || code == "ja" {
            let cjk = (copy.title + copy.description).unicodeScalars.contains { (0x3040...0x9FFF).contains($0.value) }
            guard cjk else { return .failure(OutputProblem(message: "copy is not in \(language)")) }
        }
        return .success(copy)
    }
}
