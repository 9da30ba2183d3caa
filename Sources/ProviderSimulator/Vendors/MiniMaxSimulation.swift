import Foundation

/// MiniMax Hailuo v1: create a video task, query it, retrieve the file. Errors arrive in `base_resp`,
/// usually with HTTP 200.
struct MiniMaxSimulation: Sendable {
    let core: SimulatorCore

    static let models: Set<String> = [
        "MiniMax-Hailuo-2.3", "MiniMax-Hailuo-2.3-Fast", "MiniMax-Hailuo-02", "I2V-01", "I2V-01-Director", "I2V-01-live",
        "T2V-01", "T2V-01-Director",
    ]

    static func baseResponse(_ code: Int, _ message: String, extra: [String: Any] = [:], status: Int = 200) -> Answer {
        var body = extra
        body["base_resp"] = ["status_code": code, "status_msg": message]
        return .json(status, body, headers: [("Trace-Id", requestID())])
    }

    func authenticate(_ request: APIRequest) -> Answer? {
        guard request.header("Authorization") == "Bearer \(core.configuration.credentials.minimaxAPIKey)" else {
            core.count(.hailuo) { $0.authenticationFailures += 1 }
            return Self.baseResponse(1004, "login fail: Please carry the API secret key in the 'Authorization' field")
        }
        return nil
    }

    func submit(_ request: APIRequest) -> Answer {
        guard let body = request.jsonObject else { return invalid("invalid params: body is not JSON") }
        guard let model = body.string("model"), Self.models.contains(model) else {
            return invalid("invalid params: unknown model")
        }
        let image = body.string("first_frame_image")
        if model.hasPrefix("I2V") || model.hasPrefix("MiniMax-Hailuo") {
            guard let image, !image.isEmpty else { return invalid("invalid params: first_frame_image is required") }
        }
        var width = 720, height = 1280
        if let image, let bytes = DataURI.decode(image), let size = PNGEncoder.dimensions(of: bytes) {
            (width, height) = (size.width, size.height)
        } else if let image, !(image.hasPrefix("http://") || image.hasPrefix("https://") || image.hasPrefix("data:")) {
            return invalid("invalid params: first_frame_image must be a URL or a data URL")
        }
        let duration = body.int("duration") ?? 6
        guard duration == 6 || duration == 10 else { return invalid("invalid params: duration must be 6 or 10") }
        let resolution = body.string("resolution") ?? "768P"
        guard resolution == "768P" || resolution == "1080P" else { return invalid("invalid params: resolution") }
        if resolution == "1080P" && duration == 10 {
            return invalid("invalid params: 1080P supports 6 s only")
        }
        if core.moderationTriggered(body.string("prompt")) {
            core.count(.hailuo) { $0.moderationRejections += 1 }
            return Self.baseResponse(1026, "input new_sensitive", extra: ["task_id": ""])
        }
        let shortSide = resolution == "1080P" ? 1080.0 : 768.0
        let scale = shortSide / Double(min(width, height))
        guard
            let task = core.createTask(
                .hailuo,
                payload: .video(seconds: duration, width: Int(Double(width) * scale), height: Int(Double(height) * scale)),
                model: model, idempotencyKey: request.idempotencyKey, failure: ("1027", "output video sensitive"))
        else { return Self.baseResponse(1002, "rate limit exceeded", extra: ["task_id": ""]) }
        return Self.baseResponse(0, "success", extra: ["task_id": task.id])
    }

    func query(_ request: APIRequest) -> Answer {
        guard let id = request.query["task_id"], let (task, phase) = core.lookup(id, service: .hailuo),
            phase != .expired
        else { return Self.baseResponse(2013, "invalid params: task not found") }
        var body: [String: Any] = ["task_id": task.id, "file_id": ""]
        switch phase {
        case .queued:
            body["status"] = task.isPreparing(at: core.now) ? "Preparing" : "Queueing"
        case .running, .expired:
            body["status"] = "Processing"
        case .succeeded:
            body["status"] = "Success"
            body["file_id"] = "file-\(task.id)"
            if case .video(_, let width, let height) = task.payload {
                body["video_width"] = width
                body["video_height"] = height
            }
        case .failed:
            body["status"] = "Fail"
            if case .failure(let code, let message) = task.outcome {
                body["error_code"] = Int(code) ?? 1000
                body["error_message"] = message
            }
        }
        return Self.baseResponse(0, "success", extra: body)
    }

    func retrieveFile(_ request: APIRequest) -> Answer {
        guard let fileID = request.query["file_id"], fileID.hasPrefix("file-") else {
            return Self.baseResponse(2013, "invalid params: file_id")
        }
        let taskID = String(fileID.dropFirst("file-".count))
        guard let (task, phase) = core.lookup(taskID, service: .hailuo), phase == .succeeded,
            case .video(let seconds, _, _) = task.payload
        else { return Self.baseResponse(2013, "invalid params: file not found") }
        let file: [String: Any] = [
            "file_id": fileID,
            "bytes": core.video(seconds: seconds).count,
            "created_at": Int(task.endWall),
            "filename": "output.mp4",
            "purpose": "video_generation",
            "download_url": core.resultURL(host: request.authority, taskID: task.id, index: 0, fileExtension: "mp4"),
        ]
        return Self.baseResponse(0, "success", extra: ["file": file])
    }

    private func invalid(_ message: String) -> Answer {
        core.count(.hailuo) { $0.rejectedInputs += 1 }
        return Self.baseResponse(2013, message, extra: ["task_id": ""])
    }
}
