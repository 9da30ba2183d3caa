import Crypto
import Foundation

/// Volcengine visual API (Jimeng): CVSync2AsyncSubmitTask / CVSync2AsyncGetResult, HMAC-SHA256 signed.
struct VolcengineSimulation: Sendable {
    let core: SimulatorCore

    static let imageModels: Set<String> = ["jimeng_t2i_v31", "jimeng_t2i_v30", "jimeng_t2i_v40", "high_aes_general_v20_L"]

    /// Business errors: `{code, message, request_id, data, status}` with a matching HTTP status.
    static func business(_ status: Int, _ code: Int, _ message: String) -> Answer {
        .json(
            status,
            [
                "code": code, "message": message, "request_id": requestID(), "data": NSNull(), "status": code,
                "time_elapsed": "1ms",
            ])
    }

    /// Gateway errors (authentication): the `ResponseMetadata.Error` shape of Volcengine's OpenAPI gateway. [U]
    static func gateway(_ status: Int, _ code: String, _ codeN: Int, _ message: String, action: String) -> Answer {
        .json(
            status,
            [
                "ResponseMetadata": [
                    "RequestId": requestID(), "Action": action, "Version": "2022-08-31", "Service": "cv",
                    "Region": "cn-north-1",
                    "Error": ["CodeN": codeN, "Code": code, "Message": message] as [String: Any],
                ] as [String: Any]
            ])
    }

    func authenticate(_ request: APIRequest) -> Answer? {
        let action = request.query["Action"] ?? ""
        let credentials = core.configuration.credentials
        switch VolcengineSignatureCheck.verify(
            request, accessKey: credentials.volcengineAccessKey, secretKey: credentials.volcengineSecretKey, now: Date())
        {
        case .success:
            return nil
        case .failure(let failure):
            core.count(.jimeng) { $0.authenticationFailures += 1 }
            return Self.gateway(failure.status, failure.code, failure.codeN, failure.message, action: action)
        }
    }

    func submit(_ request: APIRequest) -> Answer {
        guard let body = request.jsonObject else { return invalid("Invalid Parameter: body is not JSON") }
        guard let reqKey = body.string("req_key"), Self.imageModels.contains(reqKey) else {
            return invalid("Invalid Parameter: req_key")
        }
        guard let prompt = body.string("prompt"), !prompt.isEmpty, prompt.count <= 800 else {
            return invalid("Invalid Parameter: prompt is required (at most 800 characters)")
        }
        var width = 1328, height = 1328
        let w = body.int("width"), h = body.int("height")
        if let w, let h {
            let maxSide = reqKey == "jimeng_t2i_v40" ? 4096 : 2048
            guard (512...maxSide).contains(w), (512...maxSide).contains(h), w * 3 >= h, h * 3 >= w else {
                return invalid("Invalid Parameter: width/height")
            }
            (width, height) = (w, h)
        }
        if let urls = body["image_urls"] {
            guard let urls = urls as? [String], urls.count <= 14 else { return invalid("Invalid Parameter: image_urls") }
        }
        if core.moderationTriggered(prompt) {
            core.count(.jimeng) { $0.moderationRejections += 1 }
            return Self.business(400, 50412, "Pre Text Risk Not Pass")
        }
        guard
            let task = core.createTask(
                .jimeng, payload: .images(count: 1, width: width, height: height), model: reqKey,
                idempotencyKey: request.idempotencyKey, failure: ("50500", "Internal Error"))
        else { return Self.business(429, 50430, "Request Has Reached API Concurrent Limit, Please Try Later") }
        return .json(
            200,
            [
                "code": 10000, "message": "Success", "request_id": requestID(), "status": 10000, "time_elapsed": "5ms",
                "data": ["task_id": task.id],
            ])
    }

    func result(_ request: APIRequest) -> Answer {
        guard let body = request.jsonObject, let taskID = body.string("task_id"), let reqKey = body.string("req_key") else {
            return invalid("Invalid Parameter: req_key and task_id are required")
        }
        var returnURL = false
        if let reqJSON = body.string("req_json"),
            let options = (try? JSONSerialization.jsonObject(with: Data(reqJSON.utf8))) as? [String: Any]
        {
            returnURL = options.bool("return_url") ?? false
        } else if body["req_json"] != nil {
            return invalid("Invalid Parameter: req_json must be a JSON string")
        }
        let success = { (data: [String: Any]) -> Answer in
            .json(
                200,
                [
                    "code": 10000, "message": "Success", "request_id": requestID(), "status": 10000,
                    "time_elapsed": "3ms", "data": data,
                ])
        }
        guard let (task, phase) = core.lookup(taskID, service: .jimeng), task.model == reqKey else {
            return success(["status": "not_found", "image_urls": NSNull(), "binary_data_base64": [String]()])
        }
        switch phase {
        case .expired:
            return success(["status": "expired", "image_urls": NSNull(), "binary_data_base64": [String]()])
        case .queued:
            return success(["status": "in_queue", "image_urls": NSNull(), "binary_data_base64": [String]()])
        case .running:
            return success(["status": "generating", "image_urls": NSNull(), "binary_data_base64": [String]()])
        case .failed:
            if case .failure(let code, let message) = task.outcome {
                return .json(
                    200,
                    [
                        "code": Int(code) ?? 50500, "message": message, "request_id": requestID(),
                        "status": Int(code) ?? 50500, "data": ["status": "done"],
                    ])
            }
            return Self.business(500, 50500, "Internal Error")
        case .succeeded:
            guard case .images(let count, _, _) = task.payload else { return Self.business(500, 50500, "Internal Error") }
            var data: [String: Any] = ["status": "done"]
            if returnURL {
                data["image_urls"] = (0..<count).map {
                    core.resultURL(host: request.authority, taskID: task.id, index: $0, fileExtension: "png")
                }
                data["binary_data_base64"] = [String]()
            } else {
                data["image_urls"] = NSNull()
                data["binary_data_base64"] = (0..<count).map { index in
                    Data(ResultFiles.image(for: task, index: index, maxSide: core.configuration.resultImageMaxSide))
                        .base64EncodedString()
                }
            }
            return success(data)
        }
    }

    private func invalid(_ message: String) -> Answer {
        core.count(.jimeng) { $0.rejectedInputs += 1 }
        return Self.business(400, 50400, message)
    }
}

/// Verifies Volcengine's HMAC-SHA256 request signature on a received request.
enum VolcengineSignatureCheck {
    struct Failure: Error {
        let status: Int
        let code: String
        let codeN: Int
        let message: String
    }

    static let region = "cn-north-1"
    static let service = "cv"

    static func verify(_ request: APIRequest, accessKey: String, secretKey: String, now: Date) -> Result<Void, Failure> {
        guard let authorization = request.header("Authorization"), authorization.hasPrefix("HMAC-SHA256 ") else {
            return .failure(Failure(status: 401, code: "MissingAuthenticationToken", codeN: 100_008, message: "Missing Authorization"))
        }
        var fields: [String: String] = [:]
        for part in authorization.dropFirst("HMAC-SHA256 ".count).split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let equals = trimmed.firstIndex(of: "=") else { continue }
            fields[String(trimmed[..<equals])] = String(trimmed[trimmed.index(after: equals)...])
        }
        guard let credential = fields["Credential"], let signedHeaders = fields["SignedHeaders"],
            let signature = fields["Signature"]
        else {
            return .failure(Failure(status: 401, code: "InvalidAuthorization", codeN: 100_009, message: "Malformed Authorization"))
        }
        let scopeParts = credential.split(separator: "/").map(String.init)
        guard scopeParts.count == 5, scopeParts[2] == region, scopeParts[3] == service, scopeParts[4] == "request" else {
            return .failure(Failure(status: 401, code: "InvalidCredential", codeN: 100_009, message: "Invalid credential scope"))
        }
        guard scopeParts[0] == accessKey else {
            return .failure(Failure(status: 401, code: "InvalidAccessKey", codeN: 100_009, message: "Access key is invalid"))
        }
        guard let xDate = request.header("X-Date"), let date = parseXDate(xDate) else {
            return .failure(Failure(status: 401, code: "InvalidTimestamp", codeN: 100_011, message: "X-Date is missing or invalid"))
        }
        guard abs(date.timeIntervalSince(now)) <= 900 else {
            return .failure(Failure(status: 401, code: "InvalidTimestamp", codeN: 100_011, message: "X-Date is out of range"))
        }
        guard scopeParts[1] == String(xDate.prefix(8)) else {
            return .failure(Failure(status: 401, code: "InvalidCredential", codeN: 100_009, message: "Scope date mismatch"))
        }
        let bodyHash = SHA256.hash(data: request.body).hexString
        let declaredHash = request.header("X-Content-Sha256")
        if let declaredHash, declaredHash != bodyHash {
            return .failure(Failure(status: 401, code: "SignatureDoesNotMatch", codeN: 100_010, message: "Body hash mismatch"))
        }
        let names = signedHeaders.split(separator: ";").map(String.init)
        var headerLines: [String] = []
        for name in names {
            let value: String?
            if name == "host" { value = request.authority } else { value = request.header(name) }
            guard let value else {
                return .failure(Failure(status: 401, code: "SignatureDoesNotMatch", codeN: 100_010, message: "Signed header \(name) missing"))
            }
            headerLines.append("\(name):\(value.trimmingCharacters(in: .whitespaces))")
        }
        let encoded: [(String, String)] = request.queryPairs.map { pair in (percentEncode(pair.0), percentEncode(pair.1)) }
        let sortedPairs = encoded.sorted { (a: (String, String), b: (String, String)) -> Bool in
            a.0 == b.0 ? a.1 < b.1 : a.0 < b.0
        }
        let canonicalQuery = sortedPairs.map { pair in pair.0 + "=" + pair.1 }.joined(separator: "&")
        let lines: [String] = [
            request.method.rawValue, request.path, canonicalQuery, headerLines.joined(separator: "\n"), "", signedHeaders,
            declaredHash ?? bodyHash,
        ]
        let canonicalRequest = lines.joined(separator: "\n")
        let scope = scopeParts[1...].joined(separator: "/")
        let stringToSign = ["HMAC-SHA256", xDate, scope, SHA256.hash(data: Data(canonicalRequest.utf8)).hexString]
            .joined(separator: "\n")
        var key = SymmetricKey(data: Data(secretKey.utf8))
        for component in [scopeParts[1], region, service, "request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(component.utf8), using: key)))
        }
        let expected = Data(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key)).hexString
        guard expected == signature else {
            return .failure(
                Failure(status: 401, code: "SignatureDoesNotMatch", codeN: 100_010, message: "The request signature we calculated does not match"))
        }
        return .success(())
    }

    static func percentEncode(_ text: String) -> String {
        var allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
        allowed.remove(charactersIn: "")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func parseXDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: text)
    }
}

extension Sequence where Element == UInt8 {
    var hexString: String {
        var text = ""
        for byte in self {
            text += String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
        }
        return text
    }
}

extension SHA256.Digest {
    var hexString: String { Array(self).hexString }
}
