import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// Serves requests whose Host names one of the simulator's buckets (`BUCKET.anything[:port]`);
/// passes all other requests to the next responder.
public struct OSSSimulatorMiddleware<Context: RequestContext>: RouterMiddleware {
    let simulator: OSSSimulator

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let authority = request.head.authority ?? ""
        let hostName = authority.split(separator: ":").first.map(String.init) ?? ""
        guard let dot = hostName.firstIndex(of: "."),
            simulator.state.withLock({ $0.buckets[String(hostName[..<dot])] != nil })
        else {
            return try await next(request, context)
        }
        let bucket = String(hostName[..<dot])
        let requestID = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(24).uppercased()
        do {
            var response = try await route(request, bucket: bucket, host: hostName)
            response.headers[Self.requestIDName] = String(requestID)
            return response
        } catch let rejection as OSSSignatureVerifier.Rejection {
            return Self.error(rejection, requestID: String(requestID), host: hostName)
        }
    }

    static var requestIDName: HTTPField.Name { HTTPField.Name("x-oss-request-id")! }
    static var crcName: HTTPField.Name { HTTPField.Name("x-oss-hash-crc64ecma")! }

    private func route(_ request: Request, bucket: String, host: String) async throws -> Response {
        let target = request.head.path ?? "/"
        let questionMark = target.firstIndex(of: "?")
        let rawPath = questionMark.map { target[..<$0] } ?? target[...]
        let query = Self.parseQuery(questionMark.map { target[target.index(after: $0)...] } ?? "")
        let verifier = OSSSignatureVerifier(
            credentials: simulator.credentials, region: simulator.region, allowedClockSkew: simulator.allowedClockSkew)
        try verifier.verify(
            method: request.method.rawValue, rawPath: rawPath, query: query, headers: request.headers, bucket: bucket,
            now: Date())
        let key = OSSSignatureVerifier.percentDecoded(rawPath.dropFirst())
        guard !key.isEmpty else {
            throw OSSSignatureVerifier.Rejection(
                status: .notImplemented, code: "NotImplemented", message: "Bucket-level operations are not simulated.")
        }
        func has(_ name: String) -> Bool { query.contains { $0.name == name } }
        func value(_ name: String) -> String? { query.first { $0.name == name }?.value }

        switch request.method {
        case .put where has("partNumber") && has("uploadId"):
            guard let number = Int(value("partNumber")!), (1...10_000).contains(number) else {
                throw Self.rejection(
                    .badRequest, "InvalidArgument", "Part number must be an integer between 1 and 10000.")
            }
            if let status = simulator.takeFault(.uploadPart(number)) { return Self.injected(status) }
            let body = try await collectBody(request)
            try checkContentMD5(request, body)
            return try uploadPart(bucket: bucket, key: key, uploadID: value("uploadId")!, number: number, body: body)
        case .put:
            if let status = simulator.takeFault(.putObject) { return Self.injected(status) }
            let body = try await collectBody(request)
            try checkContentMD5(request, body)
            return putObject(bucket: bucket, key: key, body: body, contentType: request.headers[.contentType])
        case .post where has("uploads"):
            return initiate(bucket: bucket, key: key, contentType: request.headers[.contentType])
        case .post where has("uploadId"):
            if let status = simulator.takeFault(.completeMultipartUpload) { return Self.injected(status) }
            let body = try await collectBody(request)
            return try complete(bucket: bucket, key: key, uploadID: value("uploadId")!, body: body, host: host)
        case .delete where has("uploadId"):
            return try abort(bucket: bucket, uploadID: value("uploadId")!)
        case .delete:
            simulator.state.withLock { _ = $0.buckets[bucket]?.objects.removeValue(forKey: key) }
            return Response(status: .noContent)
        case .get, .head:
            guard let object = simulator.state.withLock({ $0.buckets[bucket]?.objects[key] }) else {
                throw Self.rejection(.notFound, "NoSuchKey", "The specified key does not exist.")
            }
            var headers = HTTPFields()
            headers[.contentType] = object.contentType
            headers[.eTag] = object.etag
            headers[Self.crcName] = String(object.crc64)
            headers[.contentLength] = String(object.body.readableBytes)
            headers[.lastModified] = Self.httpDate(object.lastModified)
            if request.method == .head { return Response(status: .ok, headers: headers) }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: object.body))
        default:
            throw Self.rejection(.methodNotAllowed, "MethodNotAllowed", "The specified method is not allowed.")
        }
    }

    // MARK: - Operations

    private func putObject(bucket: String, key: String, body: ByteBuffer, contentType: String?) -> Response {
        let etag = "\"\(Self.md5Hex(body))\""
        let crc = OSSCRC64.checksum(body.readableBytesView)
        simulator.state.withLock {
            $0.buckets[bucket]?.objects[key] = .init(
                body: body, contentType: contentType ?? "application/octet-stream", etag: etag, crc64: crc,
                lastModified: Date())
        }
        var headers = HTTPFields()
        headers[.eTag] = etag
        headers[Self.crcName] = String(crc)
        return Response(status: .ok, headers: headers)
    }

    private func initiate(bucket: String, key: String, contentType: String?) -> Response {
        let uploadID = UUID().uuidString.replacingOccurrences(of: "-", with: "").uppercased()
        simulator.state.withLock {
            $0.buckets[bucket]?.uploads[uploadID] = .init(
                key: key, contentType: contentType ?? "application/octet-stream")
        }
        return Self.xml(
            "<InitiateMultipartUploadResult><Bucket>\(bucket)</Bucket><Key>\(Self.escape(key))</Key>"
                + "<UploadId>\(uploadID)</UploadId></InitiateMultipartUploadResult>")
    }

    private func uploadPart(bucket: String, key: String, uploadID: String, number: Int, body: ByteBuffer) throws
        -> Response
    {
        let md5 = Array(Insecure.MD5.hash(data: body.readableBytesView))
        let etag = "\"\(Self.hex(md5).uppercased())\""
        let found = simulator.state.withLock { state -> Bool in
            guard state.buckets[bucket]?.uploads[uploadID]?.key == key else { return false }
            state.buckets[bucket]?.uploads[uploadID]?.parts[number] = (body, etag, md5)
            return true
        }
        guard found else { throw Self.noSuchUpload() }
        var headers = HTTPFields()
        headers[.eTag] = etag
        headers[Self.crcName] = String(OSSCRC64.checksum(body.readableBytesView))
        return Response(status: .ok, headers: headers)
    }

    private func complete(bucket: String, key: String, uploadID: String, body: ByteBuffer, host: String) throws
        -> Response
    {
        let text = String(buffer: body)
        // <Part><PartNumber>n</PartNumber><ETag>"…"</ETag></Part>, in ascending order.
        var listed: [(Int, String)] = []
        for chunk in text.components(separatedBy: "<Part>").dropFirst() {
            guard let number = Self.element("PartNumber", in: chunk).flatMap({ Int($0) }),
                let etag = Self.element("ETag", in: chunk)
            else { throw Self.rejection(.badRequest, "MalformedXML", "The XML you provided was not well-formed.") }
            listed.append((number, etag.replacingOccurrences(of: "&quot;", with: "\"")))
        }
        guard !listed.isEmpty, zip(listed, listed.dropFirst()).allSatisfy({ $0.0 < $1.0 }) else {
            throw Self.rejection(.badRequest, "InvalidPartOrder", "The list of parts was not in ascending order.")
        }
        let result = try simulator.state.withLock { state throws -> (String, UInt64, Int) in
            guard let upload = state.buckets[bucket]?.uploads[uploadID], upload.key == key else {
                throw Self.noSuchUpload()
            }
            var combined = ByteBuffer()
            var md5s: [UInt8] = []
            for (index, (number, etag)) in listed.enumerated() {
                guard var part = upload.parts[number], part.etag == etag else {
                    throw Self.rejection(
                        .badRequest, "InvalidPart", "One or more of the specified parts could not be found.")
                }
                if index < listed.count - 1, part.body.readableBytes < 100 * 1024 {
                    throw Self.rejection(
                        .badRequest, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size.")
                }
                combined.writeBuffer(&part.body)
                md5s += part.md5
            }
            let etag = "\"\(Self.hex(Array(Insecure.MD5.hash(data: md5s))).uppercased())-\(listed.count)\""
            let crc = OSSCRC64.checksum(combined.readableBytesView)
            state.buckets[bucket]?.objects[key] = .init(
                body: combined, contentType: upload.contentType, etag: etag, crc64: crc, lastModified: Date())
            state.buckets[bucket]?.uploads[uploadID] = nil
            return (etag, crc, combined.readableBytes)
        }
        var response = Self.xml(
            "<CompleteMultipartUploadResult><Location>http://\(host)/\(Self.escape(key))</Location>"
                + "<Bucket>\(bucket)</Bucket><Key>\(Self.escape(key))</Key><ETag>\(Self.escape(result.0))</ETag>"
                + "</CompleteMultipartUploadResult>")
        response.headers[Self.crcName] = String(result.1)
        response.headers[.eTag] = result.0
        return response
    }

    private func abort(bucket: String, uploadID: String) throws -> Response {
        let removed = simulator.state.withLock { $0.buckets[bucket]?.uploads.removeValue(forKey: uploadID) != nil }
        guard removed else { throw Self.noSuchUpload() }
        return Response(status: .noContent)
    }

    // MARK: - Helpers

    private func collectBody(_ request: Request) async throws -> ByteBuffer {
        var request = request
        do {
            return try await request.collectBody(upTo: simulator.maxBodyBytes)
        } catch {
            throw Self.rejection(
                .badRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.")
        }
    }

    private func checkContentMD5(_ request: Request, _ body: ByteBuffer) throws {
        guard let provided = request.headers[HTTPField.Name("Content-MD5")!] else { return }
        let actual = Data(Insecure.MD5.hash(data: body.readableBytesView)).base64EncodedString()
        guard provided == actual else {
            throw Self.rejection(
                .badRequest, "InvalidDigest", "The Content-MD5 you specified did not match what was received.")
        }
    }

    static func parseQuery(_ text: Substring) -> [(name: String, value: String)] {
        text.split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = OSSSignatureVerifier.percentDecoded(parts[0])
            let value = parts.count > 1 ? OSSSignatureVerifier.percentDecoded(parts[1]) : ""
            return (name, value)
        }
    }

    static func rejection(_ status: HTTPResponse.Status, _ code: String, _ message: String)
        -> OSSSignatureVerifier.Rejection
    {
        .init(status: status, code: code, message: message)
    }

    static func noSuchUpload() -> OSSSignatureVerifier.Rejection {
        rejection(
            .notFound, "NoSuchUpload",
            "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."
        )
    }

    static func injected(_ status: Int) -> Response {
        error(
            .init(status: .init(code: status), code: "InternalError", message: "Injected failure."),
            requestID: "INJECTED",
            host: "")
    }

    static func error(_ rejection: OSSSignatureVerifier.Rejection, requestID: String, host: String) -> Response {
        var response = xml(
            "<Error><Code>\(rejection.code)</Code><Message>\(escape(rejection.message))</Message>"
                + "<RequestId>\(requestID)</RequestId><HostId>\(escape(host))</HostId><EC>0000-00000000</EC></Error>",
            status: rejection.status)
        response.headers[requestIDName] = requestID
        response.headers[HTTPField.Name("x-oss-ec")!] = "0000-00000000"
        return response
    }

    static func xml(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/xml"
        return Response(
            status: status, headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body)))
    }

    static func element(_ name: String, in text: String) -> String? {
        guard let start = text.range(of: "<\(name)>"),
            let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex)
        else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func md5Hex(_ body: ByteBuffer) -> String {
        hex(Array(Insecure.MD5.hash(data: body.readableBytesView))).uppercased()
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}

/// CRC-64/ECMA-182 (reflected, as OSS reports it), the simulator's own implementation.
enum OSSCRC64 {
    static let table: [UInt64] = (0..<256).map { index -> UInt64 in
        (0..<8).reduce(UInt64(index)) { crc, _ in crc & 1 == 1 ? (crc >> 1) ^ 0xC96C_5795_D787_0F42 : crc >> 1 }
    }

    static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var crc = UInt64.max
        for byte in bytes { crc = table[Int((crc ^ UInt64(byte)) & 0xFF)] ^ (crc >> 8) }
        return ~crc
    }
}
