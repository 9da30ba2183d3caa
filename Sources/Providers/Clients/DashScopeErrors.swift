import AssetForgeConfiguration

/// DashScope's error answers (`{request_id, code, message}`, or the OpenAI shape in compatible mode) mapped to
/// ``ProviderError``.
enum DashScopeErrors {
    private struct NativeBody: Decodable {
        let code: String?
        let message: String?
        let requestId: String?
    }

    private struct CompatibleBody: Decodable {
        struct Detail: Decodable {
            let code: String?
            let message: String?
            let type: String?
        }
        let error: Detail?
    }

    static func error(from response: VendorResponse, provider: GenerationProvider) -> ProviderError {
        let decoder = JSONDecoder.snakeCase
        var code: String?
        var message = "HTTP \(response.status)"
        if let body = try? decoder.decode(CompatibleBody.self, from: response.body), let detail = body.error {
            code = detail.code ?? detail.type
            message = detail.message ?? message
        } else if let body = try? decoder.decode(NativeBody.self, from: response.body) {
            code = body.code
            message = body.message ?? message
        }
        let reason: ProviderError.Code
        switch response.status {
        case 429: reason = .rateLimited
        case 500...: reason = .serverError
        case 401: reason = .authenticationFailed
        case 403:
            reason = (code ?? "").contains("Arrearage") ? .quotaExhausted : .authenticationFailed
        case 400..<500:
            reason = isModeration(code) ? .contentModeration : .providerRejectedInput
        default: reason = .malformedResponse
        }
        return ProviderError(
            reason, provider: provider, message: message, httpStatus: response.status, vendorCode: code,
            retryAfter: response.retryAfter)
    }

    static func isModeration(_ code: String?) -> Bool {
        guard let code = code?.lowercased() else { return false }
        return code.contains("datainspection") || code.contains("data_inspection") || code.contains("inappropriate")
    }

    /// The reason for a task that ended `FAILED` with `output.code`.
    static func taskFailure(code: String?, message: String?, provider: GenerationProvider) -> ProviderError {
        let reason: ProviderError.Code
        if isModeration(code) {
            reason = .contentModeration
        } else if let code, code.hasPrefix("InvalidParameter") || code.hasPrefix("BadRequest") {
            reason = .providerRejectedInput
        } else {
            reason = .taskFailed
        }
        return ProviderError(reason, provider: provider, message: message ?? "task failed", vendorCode: code)
    }
}

import Foundation

extension JSONDecoder {
    static var snakeCase: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}

extension JSONDecoder {
    func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try decode(type, from: Data(bytes))
    }
}

/// JSON request bodies from `[String: Any]`, keys sorted for stable bytes.
enum JSONBody {
    static func encode(_ object: [String: Any]) -> [UInt8] {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            .map { [UInt8]($0) } ?? Array("{}".utf8)
    }
}
