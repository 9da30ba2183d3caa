import AssetForgeConfiguration
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import Synchronization

@testable import ObjectStorage

/// Signed bucket-level calls the store does not offer (create bucket, list multipart uploads).
struct S3TestAdmin {
    let endpoint: URL
    let credentials: ObjectStoreCredentials
    let region = "us-east-1"

    func send(_ method: HTTPMethod, path: String, query: [SigningRequest.QueryParameter] = [], body: String? = nil)
        async throws -> (HTTPResponseStatus, String)
    {
        let host = "\(endpoint.host!):\(endpoint.port!)"
        var signing = SigningRequest(method: method.rawValue, query: query, headers: [("Host", host)])
        AWSV4Signer(credentials: credentials, region: region).signHeaders(&signing, path: path, date: Date())
        let queryString = signing.encodedQuery
        var request = HTTPClientRequest(url: "http://\(host)\(path)" + (queryString.isEmpty ? "" : "?\(queryString)"))
        request.method = method
        for (name, value) in signing.headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 16 << 20))
        return (response.status, text)
    }

    func createBucket(_ name: String) async throws {
        let (status, text) = try await send(.PUT, path: "/\(name)")
        guard status == .ok else { throw TestSupport.SetupError("CreateBucket answered \(status): \(text)") }
    }

    /// The upload ids of multipart uploads in progress.
    func multipartUploadsInProgress(_ bucket: String) async throws -> [String] {
        let (status, text) = try await send(.GET, path: "/\(bucket)", query: [.init("uploads", "")])
        guard status == .ok, let xml = XMLElementNode.parse(Data(text.utf8)) else {
            throw TestSupport.SetupError("ListMultipartUploads answered \(status): \(text)")
        }
        return xml.children("Upload").compactMap { $0.text("UploadId") }
    }
}

/// A loopback reverse proxy in front of moto that fails chosen part uploads, or damages their bytes on the way.
final class FaultInjectingProxy: Sendable {
    struct Rule: Sendable {
        var partNumber: Int
        var remaining: Int?
    }

    let upstreamPort: Int
    let rules = Mutex<[Rule]>([])
    let corruptionRules = Mutex<[Rule]>([])
    let failuresServed = Mutex(0)
    let corruptionsServed = Mutex(0)
    /// The `Content-MD5` header of each part upload that reached the proxy (`nil` when absent), in arrival order.
    let partContentMD5s = Mutex<[String?]>([])

    init(upstreamPort: Int) {
        self.upstreamPort = upstreamPort
    }

    func failPart(_ number: Int, times: Int?) {
        rules.withLock { $0.append(Rule(partNumber: number, remaining: times)) }
    }

    /// Flips one byte of the part's body before forwarding it, `times` times (`nil`: every time).
    func corruptPart(_ number: Int, times: Int?) {
        corruptionRules.withLock { $0.append(Rule(partNumber: number, remaining: times)) }
    }

    private static func take(_ rules: borrowing Mutex<[Rule]>, partNumber: Int) -> Bool {
        rules.withLock { rules in
            guard let index = rules.firstIndex(where: { $0.partNumber == partNumber }) else { return false }
            if let remaining = rules[index].remaining {
                if remaining <= 1 { rules.remove(at: index) } else { rules[index].remaining = remaining - 1 }
            }
            return true
        }
    }

    private func shouldFail(partNumber: Int) -> Bool { Self.take(rules, partNumber: partNumber) }
    private func shouldCorrupt(partNumber: Int) -> Bool { Self.take(corruptionRules, partNumber: partNumber) }

    func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: ProxyMiddleware(proxy: self))
        return Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { await onRunning($0.localAddress?.port ?? 0) })
    }

    struct ProxyMiddleware<Context: RequestContext>: RouterMiddleware {
        let proxy: FaultInjectingProxy

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
            async throws -> Response
        {
            var request = request
            var body = try await request.collectBody(upTo: 256 << 20)
            let target = request.head.path ?? "/"
            if request.method == .put, Self.partNumber(in: target) != nil {
                let md5 = HTTPField.Name("Content-MD5").flatMap { request.headers[$0] }
                proxy.partContentMD5s.withLock { $0.append(md5) }
            }
            if request.method == .put, let number = Self.partNumber(in: target), body.readableBytes > 0,
                proxy.shouldCorrupt(partNumber: number)
            {
                proxy.corruptionsServed.withLock { $0 += 1 }
                let index = body.readerIndex + body.readableBytes / 2
                body.setInteger(~(body.getInteger(at: index, as: UInt8.self) ?? 0), at: index)
            }
            if request.method == .put, let number = Self.partNumber(in: target), proxy.shouldFail(partNumber: number) {
                proxy.failuresServed.withLock { $0 += 1 }
                return Response(
                    status: .internalServerError, headers: [.contentType: "application/xml"],
                    body: .init(
                        byteBuffer: ByteBuffer(
                            string: "<Error><Code>InternalError</Code><Message>injected</Message></Error>")))
            }
            var forward = HTTPClientRequest(url: "http://127.0.0.1:\(proxy.upstreamPort)\(target)")
            forward.method = HTTPMethod(rawValue: request.method.rawValue)
            for field in request.headers where field.name != .contentLength {
                forward.headers.add(name: field.name.rawName, value: field.value)
            }
            if let authority = request.head.authority { forward.headers.replaceOrAdd(name: "Host", value: authority) }
            if body.readableBytes > 0 || request.method == .put || request.method == .post {
                forward.body = .bytes(body)
            }
            let upstream = try await HTTPClient.shared.execute(forward, timeout: .seconds(120))
            let responseBody = try await upstream.body.collect(upTo: 256 << 20)
            var headers = HTTPFields()
            for (name, value) in upstream.headers {
                let lowered = name.lowercased()
                if lowered == "transfer-encoding" || lowered == "connection" { continue }
                if lowered == "content-length", request.method != .head { continue }
                if let fieldName = HTTPField.Name(name) { headers.append(HTTPField(name: fieldName, value: value)) }
            }
            return Response(
                status: .init(code: Int(upstream.status.code)), headers: headers, body: .init(byteBuffer: responseBody))
        }

        static func partNumber(in target: String) -> Int? {
            guard let query = target.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
            for item in query.split(separator: "&") where item.hasPrefix("partNumber=") {
                return Int(item.dropFirst("partNumber=".count))
            }
            return nil
        }
    }
}
