import Crypto
import Foundation

/// Kling image-to-video: JWT (HS256) authentication, task creation, query by id and by `external_task_id`.
struct KlingSimulation: Sendable {
    let core: SimulatorCore

    static let models: Set<String> = [
        "kling-v1", "kling-v1-5", "kling-v1-6", "kling-v2-master", "kling-v2-1", "kling-v2-1-master",
        "kling-v2-5-turbo", "kling-v2-6", "kling-v3",
    ]

    static func error(_ status: Int, _ code: Int, _ message: String) -> Answer {
        .json(status, ["code": code, "message": message, "request_id": requestID()])
    }

    /// Checks `Authorization: Bearer <jwt>` the way the vendor documents its error codes (1000–1004).
    func authenticate(_ request: APIRequest) -> Answer? {
        let credentials = core.configuration.credentials
        let refusal = { (code: Int, message: String) -> Answer in
            core.count(.kling) { $0.authenticationFailures += 1 }
            return Self.error(401, code, message)
        }
        guard let header = request.header("Authorization"), !header.isEmpty else {
            return refusal(1001, "Authorization is empty")
        }
        guard header.hasPrefix("Bearer ") else { return refusal(1002, "Authorization is invalid") }
        let token = header.dropFirst("Bearer ".count)
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            let headerJSON = Base64URL.decode(parts[0]).flatMap({ try? JSONSerialization.jsonObject(with: $0) })
                as? [String: Any],
            let payload = Base64URL.decode(parts[1]).flatMap({ try? JSONSerialization.jsonObject(with: $0) })
                as? [String: Any],
            let signature = Base64URL.decode(parts[2])
        else { return refusal(1002, "Authorization is invalid") }
        guard headerJSON.string("alg") == "HS256" else { return refusal(1002, "Authorization is invalid: alg") }
        guard payload.string("iss") == credentials.klingAccessKey else {
            return refusal(1000, "Authentication failed: unknown access key")
        }
        let signingInput = Data("\(parts[0]).\(parts[1])".utf8)
        let key = SymmetricKey(data: Data(credentials.klingSecretKey.utf8))
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signingInput, using: key) else {
            return refusal(1000, "Authentication failed: signature mismatch")
        }
        let now = Date().timeIntervalSince1970
        if let nbf = (payload["nbf"] as? NSNumber)?.doubleValue, nbf > now {
            return refusal(1003, "Authorization is not yet valid")
        }
        guard let exp = (payload["exp"] as? NSNumber)?.doubleValue else {
            return refusal(1002, "Authorization is invalid: exp required")
        }
        if exp <= now { return refusal(1004, "Authorization has expired") }
        return nil
    }

    func submit(_ request: APIRequest) -> Answer {
        guard let body = request.jsonObject else { return invalid(1200, "Invalid request: body is not JSON") }
        let model = body.string("model_name") ?? "kling-v1"
        guard Self.models.contains(model) else { return Self.error(404, 1203, "model not found: \(model)") }
        guard let image = body.string("image"), !image.isEmpty else {
            return invalid(1201, "Invalid parameter: image is required")
        }
        if image.hasPrefix("data:") {
            return invalid(1201, "Invalid parameter: image must be a URL or raw base64 without a data: prefix")
        }
        var width = 720, height = 1280
        if !image.hasPrefix("http://") && !image.hasPrefix("https://") {
            guard let bytes = Data(base64Encoded: image) else { return invalid(1201, "Invalid parameter: image is not base64") }
            if let size = PNGEncoder.dimensions(of: bytes) {
                guard size.width >= 300, size.height >= 300 else {
                    return invalid(1201, "Invalid parameter: image must be at least 300x300")
                }
                let ratio = Double(size.width) / Double(size.height)
                guard ratio >= 0.4, ratio <= 2.5 else {
                    return invalid(1201, "Invalid parameter: image aspect ratio must be between 1:2.5 and 2.5:1")
                }
                (width, height) = (size.width, size.height)
            }
        }
        let duration = body["duration"]
        let seconds: Int
        switch duration {
        case nil: seconds = 5
        case let text as String where text == "5" || text == "10": seconds = Int(text)!
        default: return invalid(1201, "Invalid parameter: duration must be \"5\" or \"10\"")
        }
        let mode = body.string("mode") ?? "std"
        guard mode == "std" || mode == "pro" else { return invalid(1201, "Invalid parameter: mode must be std or pro") }
        let prompt = body.string("prompt")
        guard (prompt?.count ?? 0) <= 2500 else { return invalid(1201, "Invalid parameter: prompt too long") }
        if core.moderationTriggered(prompt, body.string("negative_prompt")) {
            core.count(.kling) { $0.moderationRejections += 1 }
            return Self.error(400, 1301, "Content security policy violation")
        }
        let external = body.string("external_task_id")
        if let external, core.externalIDExists(external) {
            return invalid(1201, "Invalid parameter: external_task_id already exists")
        }
        let scale = 720.0 / Double(min(width, height))
        guard
            let task = core.createTask(
                .kling, payload: .video(seconds: seconds, width: Int(Double(width) * scale), height: Int(Double(height) * scale)),
                model: model, externalID: external, idempotencyKey: request.idempotencyKey,
                failure: ("1300", "Failure to pass the risk control system"))
        else { return Self.error(429, 1303, "parallel task over resource pack limit") }
        return .json(200, ["code": 0, "message": "SUCCEED", "request_id": requestID(), "data": data(task, .queued, request)])
    }

    func query(_ request: APIRequest, id: String) -> Answer {
        guard let (task, phase) = core.lookup(id, service: .kling), phase != .expired else {
            return Self.error(404, 1203, "task not found")
        }
        return .json(200, ["code": 0, "message": "SUCCEED", "request_id": requestID(), "data": data(task, phase, request)])
    }

    /// `GET /v1/videos/image2video?external_task_id=…` [M]: answers a list (`data` array) of matching tasks;
    /// without the parameter, the newest tasks (`pageNum`, `pageSize`).
    func list(_ request: APIRequest) -> Answer {
        if let external = request.query["external_task_id"] {
            guard let id = core.taskID(forExternalID: external), let (task, phase) = core.lookup(id, service: .kling),
                phase != .expired
            else {
                return .json(200, ["code": 0, "message": "SUCCEED", "request_id": requestID(), "data": [Any]()])
            }
            return .json(200, ["code": 0, "message": "SUCCEED", "request_id": requestID(), "data": [data(task, phase, request)]])
        }
        return .json(200, ["code": 0, "message": "SUCCEED", "request_id": requestID(), "data": [Any]()])
    }

    private func data(_ task: SimulatedTask, _ phase: SimulatedTask.Phase, _ request: APIRequest) -> [String: Any] {
        let created = Int(task.createdWall * 1000)
        var data: [String: Any] = [
            "task_id": task.id,
            "task_info": task.externalID.map { ["external_task_id": $0] } ?? [:],
            "created_at": created,
            "updated_at": created,
        ]
        switch phase {
        case .queued, .expired:
            data["task_status"] = "submitted"
        case .running:
            data["task_status"] = "processing"
            data["updated_at"] = created + Int(task.duration * 200)
        case .succeeded:
            data["task_status"] = "succeed"
            data["updated_at"] = Int(task.endWall * 1000)
            if case .video(let seconds, _, _) = task.payload {
                data["task_result"] = [
                    "videos": [
                        [
                            "id": "\(task.id)-v0",
                            "url": core.resultURL(host: request.authority, taskID: task.id, index: 0, fileExtension: "mp4"),
                            "duration": String(seconds),
                        ]
                    ]
                ]
            }
        case .failed:
            data["task_status"] = "failed"
            data["updated_at"] = Int(task.endWall * 1000)
            if case .failure(_, let message) = task.outcome { data["task_status_msg"] = message }
        }
        return data
    }

    private func invalid(_ code: Int, _ message: String) -> Answer {
        core.count(.kling) { $0.rejectedInputs += 1 }
        return Self.error(400, code, message)
    }
}

/// Base64url without padding (RFC 7515).
enum Base64URL {
    static func decode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        return Data(base64Encoded: base64)
    }
}
