import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Routes every request: vendor APIs (with authentication and faults), result files, samples and `/_sim`.
struct SimulatorResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let core: SimulatorCore
    /// The largest request body accepted (base64 images included).
    static let maxBodyBytes = 32 * 1024 * 1024

    /// A vendor API operation.
    enum Operation {
        case wanxBackground, wanxTextToImage, dashscopeTask(String), qwenChat
        case klingSubmit, klingQuery(String), klingList
        case hailuoSubmit, hailuoQuery, hailuoFile
        case jimengSubmit, jimengResult

        var service: SimulatedService {
            switch self {
            case .wanxBackground, .wanxTextToImage, .dashscopeTask: .wanx
            case .qwenChat: .qwen
            case .klingSubmit, .klingQuery, .klingList: .kling
            case .hailuoSubmit, .hailuoQuery, .hailuoFile: .hailuo
            case .jimengSubmit, .jimengResult: .jimeng
            }
        }

        var isSubmit: Bool {
            switch self {
            case .wanxBackground, .wanxTextToImage, .klingSubmit, .hailuoSubmit, .jimengSubmit: true
            default: false
            }
        }
    }

    static func route(_ method: HTTPRequest.Method, _ rawPath: String, _ query: [String: String]) -> Operation? {
        var path = rawPath
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        switch (method, path) {
        case (.post, "/api/v1/services/aigc/background-generation/generation"): return .wanxBackground
        case (.post, "/api/v1/services/aigc/text2image/image-synthesis"): return .wanxTextToImage
        case (.post, "/compatible-mode/v1/chat/completions"): return .qwenChat
        case (.post, "/v1/videos/image2video"): return .klingSubmit
        case (.get, "/v1/videos/image2video"): return .klingList
        case (.post, "/v1/video_generation"): return .hailuoSubmit
        case (.get, "/v1/query/video_generation"): return .hailuoQuery
        case (.get, "/v1/files/retrieve"): return .hailuoFile
        case (.post, "/"):
            switch (query["Action"], query["Version"]) {
            case ("CVSync2AsyncSubmitTask", "2022-08-31"): return .jimengSubmit
            case ("CVSync2AsyncGetResult", "2022-08-31"): return .jimengResult
            default: return nil
            }
        default: break
        }
        if method == .get, path.hasPrefix("/api/v1/tasks/") {
            let id = String(path.dropFirst("/api/v1/tasks/".count))
            return id.isEmpty || id.contains("/") ? nil : .dashscopeTask(id)
        }
        if method == .get, path.hasPrefix("/v1/videos/image2video/") {
            let id = String(path.dropFirst("/v1/videos/image2video/".count))
            return id.isEmpty || id.contains("/") ? nil : .klingQuery(id)
        }
        return nil
    }

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        let path = request.uri.path
        let pairs = APIRequest.parseQuery(request.uri.query)
        let query = Dictionary(pairs, uniquingKeysWith: { _, last in last })
        switch (request.method, path) {
        case (.get, "/_sim/stats"):
            let data = try JSONEncoder.sorted.encode(core.stats())
            return response(Answer.bytes(200, [UInt8](data), contentType: "application/json"))
        case (.post, "/_sim/config"):
            var request = request
            let body = try await request.collectBody(upTo: Self.maxBodyBytes)
            do {
                try core.update(with: Data(buffer: body))
            } catch {
                return response(.json(400, ["error": "invalid configuration: \(error)"]))
            }
            let data = try JSONEncoder.sorted.encode(core.configuration)
            return response(Answer.bytes(200, [UInt8](data), contentType: "application/json"))
        case (.post, "/_sim/reset"):
            core.reset()
            return response(.json(200, ["reset": true]))
        case (.get, _) where path.hasPrefix("/_sim/files/"):
            return response(serveFile(name: String(path.dropFirst("/_sim/files/".count)), query: query))
        case (.get, _) where path.hasPrefix("/samples/") && path.hasSuffix(".png"):
            let name = String(path.dropFirst("/samples/".count).dropLast(4))
            let width = query["w"].flatMap(Int.init).map { min(max($0, 16), 4096) } ?? 800
            let height = query["h"].flatMap(Int.init).map { min(max($0, 16), 4096) } ?? 800
            return response(.bytes(200, core.sample(named: name, width: width, height: height), contentType: "image/png"))
        default:
            break
        }
        guard let operation = Self.route(request.method, path, query) else {
            return response(.json(404, ["code": "NotFound", "message": "No such API: \(request.method) \(path)"]))
        }
        return try await handleAPI(request, operation: operation, path: path, pairs: pairs, query: query)
    }

    private func handleAPI(
        _ request: Request, operation: Operation, path: String, pairs: [(String, String)], query: [String: String]
    ) async throws -> Response {
        let service = operation.service
        let (latency, fault) = core.admit(service)
        var body: ByteBuffer
        if operation.isSubmit && latency > 0 {
            // Detect clients that give up while the vendor "thinks": the wait is cancelled when the connection closes.
            do {
                core.count(service) { $0.submitsReceived += 1 }
                body = try await request.body.consumeWithCancellationOnInboundClose { body in
                    let collected = try await body.collect(upTo: Self.maxBodyBytes)
                    try await Task.sleep(for: .seconds(latency))
                    return collected
                }
            } catch is CancellationError {
                core.count(service) { $0.submitsAbandoned += 1 }
                core.logger.info("client abandoned a \(service.rawValue) submit before the answer")
                return response(.json(408, ["code": "RequestTimeout", "message": "client went away"]))
            }
        } else {
            var request = request
            body = try await request.collectBody(upTo: Self.maxBodyBytes)
            if operation.isSubmit { core.count(service) { $0.submitsReceived += 1 } }
            if latency > 0 { try await Task.sleep(for: .seconds(latency)) }
        }
        let api = APIRequest(
            method: request.method, path: path, query: query, queryPairs: pairs, headers: request.headers,
            authority: request.head.authority ?? "127.0.0.1", body: Array(buffer: body))
        var answer = answerAPI(api, operation: operation, fault: fault)
        if answer.isSuccess, core.shouldMalform(service) {
            answer.body = Array(answer.body.prefix(max(1, answer.body.count / 2)))
        }
        if operation.isSubmit { core.count(service) { $0.submitsAnswered += 1 } }
        return response(answer)
    }

    private func answerAPI(_ request: APIRequest, operation: Operation, fault: SimulatorCore.FaultDecision) -> Answer {
        let dashscope = DashScopeSimulation(core: core)
        let kling = KlingSimulation(core: core)
        let minimax = MiniMaxSimulation(core: core)
        let volcengine = VolcengineSimulation(core: core)
        let service = operation.service
        // 1. Authentication.
        let refusal: Answer?
        switch service {
        case .wanx:
            refusal = dashscope.authenticate(request, compatible: false)
            if refusal != nil { core.count(.wanx) { $0.authenticationFailures += 1 } }
        case .qwen:
            refusal = dashscope.authenticate(request, compatible: true)
            if refusal != nil { core.count(.qwen) { $0.authenticationFailures += 1 } }
        case .kling: refusal = kling.authenticate(request)
        case .hailuo: refusal = minimax.authenticate(request)
        case .jimeng: refusal = volcengine.authenticate(request)
        }
        if let refusal { return refusal }
        // 2. Injected faults, in each vendor's shape.
        if let faultAnswer = Self.faultAnswer(fault, service: service) { return faultAnswer }
        // 3. The operation.
        switch operation {
        case .wanxBackground: return dashscope.submitBackground(request)
        case .wanxTextToImage: return dashscope.submitTextToImage(request)
        case .dashscopeTask(let id): return dashscope.queryTask(request, id: id)
        case .qwenChat: return dashscope.chatCompletion(request)
        case .klingSubmit: return kling.submit(request)
        case .klingQuery(let id): return kling.query(request, id: id)
        case .klingList: return kling.list(request)
        case .hailuoSubmit: return minimax.submit(request)
        case .hailuoQuery: return minimax.query(request)
        case .hailuoFile: return minimax.retrieveFile(request)
        case .jimengSubmit: return volcengine.submit(request)
        case .jimengResult: return volcengine.result(request)
        }
    }

    static func faultAnswer(_ fault: SimulatorCore.FaultDecision, service: SimulatedService) -> Answer? {
        switch fault {
        case .none:
            return nil
        case .unavailable:
            switch service {
            case .wanx: return DashScopeSimulation.error(503, "ServiceUnavailable", "The service is temporarily unavailable.")
            case .qwen:
                return DashScopeSimulation.compatibleError(503, "ServiceUnavailable", "service_unavailable", "Service unavailable.")
            case .kling: return KlingSimulation.error(503, 5001, "Service temporarily unavailable")
            case .hailuo: return .json(503, ["base_resp": ["status_code": 1000, "status_msg": "service unavailable"]])
            case .jimeng: return VolcengineSimulation.business(503, 50501, "Internal RPC Error")
            }
        case .rateLimited(let retryAfter):
            var answer: Answer
            switch service {
            case .wanx:
                answer = DashScopeSimulation.error(429, "Throttling.RateQuota", "Requests rate limit exceeded, please try again later.")
            case .qwen:
                // [U] compatible-mode code for request-rate throttling.
                answer = DashScopeSimulation.compatibleError(
                    429, "limit_requests", "limit_requests", "Requests rate limit exceeded, please try again later.")
            case .kling: answer = KlingSimulation.error(429, 1302, "The API request is too fast, please slow down")
            case .hailuo: answer = MiniMaxSimulation.baseResponse(1002, "rate limit exceeded(RPM)", extra: ["task_id": ""])
            case .jimeng: answer = VolcengineSimulation.business(429, 50429, "Request Has Reached API Limit, Please Try Later")
            }
            if let retryAfter { answer.headers.append(("Retry-After", String(Int(retryAfter.rounded(.up))))) }
            return answer
        case .serverError(let status):
            switch service {
            case .wanx: return DashScopeSimulation.error(status, "InternalError", "An internal error has occured, please try again later.")
            case .qwen: return DashScopeSimulation.compatibleError(status, "internal_error", "internal_error", "Internal error.")
            case .kling: return KlingSimulation.error(status, 5000, "Server internal error")
            case .hailuo: return .json(status, ["base_resp": ["status_code": 1000, "status_msg": "unknown error"]])
            case .jimeng: return VolcengineSimulation.business(status, 50500, "Internal Error")
            }
        }
    }

    private func serveFile(name: String, query: [String: String]) -> Answer {
        guard let expires = query["Expires"].flatMap(Int.init), let signature = query["Signature"],
            core.sign(name, expires) == signature
        else {
            return Self.ossError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match.")
        }
        guard let dot = name.lastIndex(of: "."), let dash = name[..<dot].lastIndex(of: "-"),
            let index = Int(name[name.index(after: dash)..<dot])
        else { return Self.ossError(404, "NoSuchKey", "The specified key does not exist.") }
        let taskID = String(name[..<dash])
        let service: SimulatedService =
            taskID.hasPrefix("wx-") ? .wanx : taskID.hasPrefix("jm-") ? .jimeng : taskID.hasPrefix("kl-") ? .kling : .hailuo
        guard Double(expires) >= Date().timeIntervalSince1970 else {
            core.count(service) { $0.expiredDownloads += 1 }
            return Self.ossError(403, "AccessDenied", "Request has expired.")
        }
        let found = core.state.withLock { $0.tasks[taskID] }
        guard let task = found else { return Self.ossError(404, "NoSuchKey", "The specified key does not exist.") }
        core.count(service) { $0.downloads += 1 }
        switch task.payload {
        case .images:
            return .bytes(
                200, ResultFiles.image(for: task, index: index, maxSide: core.configuration.resultImageMaxSide),
                contentType: "image/png")
        case .video(let seconds, _, _):
            return .bytes(200, core.video(seconds: seconds), contentType: "video/mp4")
        }
    }

    /// Result URLs behave like object-storage presigned URLs; errors are OSS-style XML.
    static func ossError(_ status: Int, _ code: String, _ message: String) -> Answer {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>\(code)</Code><Message>\(message)</Message><RequestId>\(requestID())</RequestId></Error>
            """
        return .bytes(status, Array(xml.utf8), contentType: "application/xml")
    }

    private func response(_ answer: Answer) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = answer.contentType
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return encoder
    }
}
