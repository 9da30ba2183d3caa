import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The request engine shared by ``S3ObjectStore`` and ``OSSObjectStore``: single PUT, multipart
/// upload with per-part retries and abort on failure, HEAD, GET, DELETE and URLs.
struct HTTPStoreCore<Dialect: HTTPStoreDialect>: Sendable {
    let dialect: Dialect
    let client: HTTPClient
    let upload: UploadConfiguration
    let keyPrefix: String
    let urlStyle: PublicURLStyle
    let requestTimeout: TimeAmount
    let logger: Logger

    /// The full key in the bucket.
    func objectKey(_ key: String) throws(ObjectStorageError) -> String {
        let full = keyPrefix.isEmpty ? key : "\(keyPrefix)/\(key)"
        try validateObjectKey(full)
        return full
    }

    // MARK: - Requests

    struct Response: Sendable {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: ByteBuffer
    }

    /// Sends one signed request and collects the response body (up to `maxResponseBytes`).
    /// Non-2xx answers become ``ObjectStorageError``s.
    func send(
        _ method: HTTPMethod,
        objectKey: String?,
        query: [SigningRequest.QueryParameter] = [],
        headers: [(name: String, value: String)] = [],
        body: ByteBuffer? = nil,
        streaming: HTTPClientRequest.Body? = nil,
        key: String,
        maxResponseBytes: Int = 1 << 20,
        acceptNotFound: Bool = false
    ) async throws(ObjectStorageError) -> Response {
        let target = dialect.target(objectKey: objectKey)
        var signing = SigningRequest(method: method.rawValue, query: query, headers: headers)
        signing.setHeader("Host", target.host)
        dialect.sign(&signing, objectKey: objectKey, date: Date())
        let queryString = signing.encodedQuery
        var request = HTTPClientRequest(url: queryString.isEmpty ? target.url : "\(target.url)?\(queryString)")
        request.method = method
        for (name, value) in signing.headers { request.headers.add(name: name, value: value) }
        if let streaming {
            request.body = streaming
        } else if let body {
            request.body = .bytes(body)
        } else if method == .PUT || method == .POST {
            request.body = .bytes(ByteBuffer())
        }
        do {
            let response = try await client.execute(request, timeout: requestTimeout, logger: logger)
            let success = (200..<300).contains(Int(response.status.code))
            var collected = ByteBuffer()
            if method != .HEAD {
                // Error bodies are small XML documents, whatever limit the caller set for the object.
                collected = try await response.body.collect(upTo: success ? maxResponseBytes : 1 << 20)
            }
            let result = Response(status: response.status, headers: response.headers, body: collected)
            if success || (acceptNotFound && response.status == .notFound) {
                return result
            }
            throw storeError(result, method: method, key: key)
        } catch let error as ObjectStorageError {
            throw error
        } catch is CancellationError {
            throw ObjectStorageError(.cancelled, "the \(dialect.serviceName) request was cancelled", key: key)
        } catch let error as NIOTooManyBytesError {
            throw ObjectStorageError(
                .tooLarge, "the \(dialect.serviceName) response is larger than \(maxResponseBytes) bytes", key: key,
                underlying: error)
        } catch {
            throw ObjectStorageError(
                .transport,
                "\(method.rawValue) to \(dialect.serviceName) at \(target.host) failed; check the endpoint in "
                    + "ASSETFORGE_STORE_URL and the network",
                key: key, underlying: error)
        }
    }

    /// Repeats `operation` on retriable failures, with exponential back-off and jitter.
    func withRetries<Result: Sendable>(
        _ what: String, key: String, _ operation: () async throws(ObjectStorageError) -> Result
    ) async throws(ObjectStorageError) -> Result {
        var attempt = 1
        while true {
            do {
                return try await operation()
            } catch {
                guard error.isRetriable, attempt < upload.maxAttempts else { throw error }
                let delay = upload.backoff(after: attempt)
                logger.debug(
                    "retrying \(what)",
                    metadata: ["objectstore.key": "\(key)", "objectstore.attempt": "\(attempt)", "error": "\(error)"])
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    throw ObjectStorageError(.cancelled, "the upload was cancelled while waiting to retry", key: key)
                }
                attempt += 1
            }
        }
    }

    func storeError(_ response: Response, method: HTTPMethod, key: String) -> ObjectStorageError {
        let status = Int(response.status.code)
        var serviceCode: String?
        var message: String?
        if response.body.readableBytes > 0, let xml = XMLElementNode.parse(Data(response.body.readableBytesView)),
            xml.name == "Error"
        {
            serviceCode = xml.text("Code")
            message = xml.text("Message")
        }
        let requestID = response.headers.first(name: dialect.requestIDHeader)
        let code: ObjectStorageError.Code
        switch status {
        case 401, 403: code = .accessDenied
        case 404: code = .notFound
        default: code = .serviceError
        }
        var text = "\(dialect.serviceName) answered \(method.rawValue) with \(status)"
        if let serviceCode { text += " \(serviceCode)" }
        if let message, !message.isEmpty { text += ": \(message)" }
        text += "; " + advice(status: status, serviceCode: serviceCode)
        return ObjectStorageError(
            code, text, key: key, httpStatus: status, serviceCode: serviceCode, requestID: requestID)
    }

    private func advice(status: Int, serviceCode: String?) -> String {
        switch serviceCode {
        case "SignatureDoesNotMatch":
            return
                "check the secret in \(dialect.credentialVariables), the region in ASSETFORGE_STORE_URL and the clock"
        case "InvalidAccessKeyId":
            return "the access key id is unknown to the store; check \(dialect.credentialVariables)"
        case "RequestTimeTooSkewed":
            return "the machine's clock is off; synchronise it (NTP)"
        case "NoSuchBucket":
            return "create the bucket or fix the bucket name in ASSETFORGE_STORE_URL"
        case "AccessDenied":
            return "grant the key read and write access to the bucket, or check a bucket policy"
        case "SecurityTokenExpired", "ExpiredToken", "InvalidSecurityToken", "InvalidToken":
            return "the session token expired or is invalid; renew it"
        default:
            if status >= 500 { return "the store had a problem; the request is retried" }
            if status == 404 { return "the object does not exist" }
            return "see the store's error code"
        }
    }

    // MARK: - Upload

    func put<Body: AsyncSequence>(
        _ key: String, body: Body, contentType: String, expectedSize: Int64?
    ) async throws -> StoredObject where Body.Element == ByteBuffer {
        try upload.validate()
        let fullKey = try objectKey(key)
        var digests: StreamDigests = dialect.computesCRC64 ? [.crc64] : []
        if let expectedSize, expectedSize > Int64(upload.partSize), expectedSize <= Int64(upload.singlePutThreshold) {
            // Known and larger than one buffer: stream it in one PUT, verified after the fact.
            digests.insert(.md5)
            let reader = PartReader(body.makeAsyncIterator(), key: key, maxSize: upload.maxObjectSize, digests: digests)
            return try await streamedPut(
                key: key, fullKey: fullKey, reader: reader, contentType: contentType, size: expectedSize)
        }
        var reader = PartReader(body.makeAsyncIterator(), key: key, maxSize: upload.maxObjectSize, digests: digests)
        let first = try await reader.read(upTo: max(min(upload.singlePutThreshold, upload.partSize), 1)) ?? ByteBuffer()
        if try await reader.isAtEnd() {
            try checkExpectedSize(expectedSize, actual: reader.size, key: key)
            let md5 = Insecure.MD5.hash(data: first.readableBytesView)
            let response = try await withRetries("PUT", key: key) { () async throws(ObjectStorageError) in
                try await send(
                    .PUT, objectKey: fullKey,
                    headers: [("Content-Type", contentType), ("Content-MD5", Data(md5).base64EncodedString())],
                    body: first, key: key)
            }
            try dialect.verifyChecksums(
                response.headers, md5Hex: Hex.encode(md5), crc64: dialect.computesCRC64 ? reader.crc64.value : nil,
                key: key)
            let etag = response.headers.first(name: "ETag")
            try await verifyStoredSize(fullKey: fullKey, key: key, size: reader.size)
            return StoredObject(
                key: key, size: reader.size, sha256: reader.sha256Hex, contentType: contentType, etag: etag,
                multipart: false)
        }
        // Handed on, not copied: the multipart loop refills a finished part's buffer in place, which a reference
        // kept here would turn into a fresh allocation.
        let firstPart: ByteBuffer?
        if first.readableBytes == upload.partSize {
            firstPart = consume first
        } else {
            reader.unread(consume first)
            firstPart = nil
        }
        return try await multipartUpload(
            key: key, fullKey: fullKey, reader: &reader, firstPart: consume firstPart, contentType: contentType,
            expectedSize: expectedSize)
    }

    /// One PUT whose body streams from the source (no buffering). The request cannot be repeated, so a
    /// failure fails the upload (the caller retries the whole transfer); the store's checksum
    /// (ETag = MD5, or CRC-64) is compared afterwards, and a mismatching object is deleted.
    private func streamedPut<Source>(
        key: String, fullKey: String, reader: PartReader<Source>, contentType: String, size: Int64
    ) async throws -> StoredObject {
        let body = StreamingUploadBody(reader)
        let response: Response
        do {
            response = try await send(
                .PUT, objectKey: fullKey, headers: [("Content-Type", contentType)],
                streaming: .stream(body, length: .known(size)), key: key)
        } catch {
            if body.reader.size != size, error.code == .transport {
                throw ObjectStorageError(
                    .sourceFailed,
                    "the body stopped after \(body.reader.size) of \(size) announced bytes; retry the transfer",
                    key: key, underlying: error.underlying)
            }
            throw error
        }
        do {
            try dialect.verifyChecksums(
                response.headers, md5Hex: body.reader.md5Hex,
                crc64: dialect.computesCRC64 ? body.reader.crc64.value : nil, key: key)
            try await verifyStoredSize(fullKey: fullKey, key: key, size: body.reader.size)
        } catch {
            _ = try? await send(.DELETE, objectKey: fullKey, key: key, acceptNotFound: true)
            throw error
        }
        return StoredObject(
            key: key, size: body.reader.size, sha256: body.reader.sha256Hex, contentType: contentType,
            etag: response.headers.first(name: "ETag"), multipart: false)
    }

    private func checkExpectedSize(_ expected: Int64?, actual: Int64, key: String) throws(ObjectStorageError) {
        if let expected, expected != actual {
            throw ObjectStorageError(
                .sizeMismatch,
                "the source announced \(expected) bytes but sent \(actual); the download was cut short, retry it",
                key: key)
        }
    }

    private func verifyStoredSize(fullKey: String, key: String, size: Int64) async throws(ObjectStorageError) {
        let response = try await withRetries("HEAD", key: key) { () async throws(ObjectStorageError) in
            try await send(.HEAD, objectKey: fullKey, key: key)
        }
        let stored = response.headers.first(name: "Content-Length").flatMap { Int64($0) }
        guard stored == size else {
            throw ObjectStorageError(
                .sizeMismatch,
                "\(dialect.serviceName) reports \(stored.map(String.init) ?? "no") bytes for the object, \(size) were "
                    + "sent; upload it again",
                key: key)
        }
    }

    struct CompletedPart: Sendable {
        var number: Int
        var etag: String
        var md5: Data
    }

    private func multipartUpload<Source>(
        key: String, fullKey: String, reader: inout PartReader<Source>, firstPart: consuming ByteBuffer?, contentType: String,
        expectedSize: Int64?
    ) async throws -> StoredObject {
        let initiated = try await withRetries("InitiateMultipartUpload", key: key) {
            () async throws(ObjectStorageError) in
            try await send(
                .POST, objectKey: fullKey, query: [.init("uploads")], headers: [("Content-Type", contentType)],
                key: key)
        }
        guard let xml = XMLElementNode.parse(Data(initiated.body.readableBytesView)),
            let uploadID = xml.text("UploadId"), !uploadID.isEmpty
        else {
            throw ObjectStorageError(
                .serviceError, "\(dialect.serviceName) answered InitiateMultipartUpload without an UploadId", key: key)
        }
        let metadata: Logger.Metadata = ["objectstore.key": "\(key)", "objectstore.upload_id": "\(uploadID)"]
        logger.debug("multipart upload started", metadata: metadata)
        do {
            var parts: [CompletedPart] = []
            try await withThrowingTaskGroup(of: CompletedPart.self) { group in
                // At most partConcurrency + 1 part buffers exist: a finished part puts its buffer back here. Moved,
                // never copied, so that the next part fills the same storage instead of allocating a new one (a task
                // result or a captured value still referring to it would make the refill copy).
                let spare = NIOLockedValueBox<[ByteBuffer]>([])
                var inFlight = 0
                var number = 0
                var pendingFirst = firstPart.take()
                while true {
                    let next: ByteBuffer?
                    if let first = pendingFirst {
                        next = first
                        pendingFirst = nil
                    } else {
                        next = try await reader.read(
                            upTo: upload.partSize, reusing: spare.withLockedValue { $0.popLast() })
                    }
                    guard let part = next else { break }
                    number += 1
                    guard number <= 10_000 else {
                        throw ObjectStorageError(
                            .tooLarge, "more than 10 000 parts would be needed; raise the part size", key: key)
                    }
                    if inFlight == upload.partConcurrency, let done = try await group.next() {
                        parts.append(done)
                        inFlight -= 1
                    }
                    let partNumber = number
                    let handOff = NIOLockedValueBox<ByteBuffer?>(consume part)
                    group.addTask {
                        guard let part = handOff.withLockedValue({ $0.take() }) else {
                            throw ObjectStorageError(.serviceError, "part \(partNumber) was handed over twice", key: key)
                        }
                        let done = try await uploadPart(
                            part, number: partNumber, uploadID: uploadID, fullKey: fullKey, key: key)
                        spare.withLockedValue { $0.append(consume part) }
                        return done
                    }
                    inFlight += 1
                }
                while let done = try await group.next() {
                    parts.append(done)
                }
            }
            try checkExpectedSize(expectedSize, actual: reader.size, key: key)
            parts.sort { $0.number < $1.number }
            let etag = try await complete(parts: parts, uploadID: uploadID, fullKey: fullKey, key: key, reader: reader)
            try await verifyStoredSize(fullKey: fullKey, key: key, size: reader.size)
            logger.debug("multipart upload completed", metadata: metadata)
            return StoredObject(
                key: key, size: reader.size, sha256: reader.sha256Hex, contentType: contentType, etag: etag,
                multipart: true)
        } catch {
            // Not inheriting the caller's cancellation: the abort must go out even when the upload was cancelled.
            let aborted = await Task {
                do {
                    _ = try await withRetries("AbortMultipartUpload", key: key) { () async throws(ObjectStorageError) in
                        try await send(
                            .DELETE, objectKey: fullKey, query: [.init("uploadId", uploadID)], key: key,
                            acceptNotFound: true)
                    }
                    return true
                } catch {
                    logger.warning(
                        "could not abort a failed multipart upload; a bucket lifecycle rule should clean it up",
                        metadata: metadata.merging(["error": "\(error)"]) { $1 })
                    return false
                }
            }.value
            logger.debug("multipart upload aborted", metadata: metadata.merging(["aborted": "\(aborted)"]) { $1 })
            throw error
        }
    }

    private func uploadPart(
        _ part: ByteBuffer, number: Int, uploadID: String, fullKey: String, key: String
    ) async throws(ObjectStorageError) -> CompletedPart {
        let md5 = Data(Insecure.MD5.hash(data: part.readableBytesView))
        let headers = dialect.checksPartETags ? [] : [("Content-MD5", md5.base64EncodedString())]
        let response = try await withRetries("UploadPart \(number)", key: key) { () async throws(ObjectStorageError) in
            let response = try await send(
                .PUT, objectKey: fullKey, query: [.init("partNumber", String(number)), .init("uploadId", uploadID)],
                headers: headers,
                streaming: .stream(PartUploadBody(part), length: .known(Int64(part.readableBytes))), key: key)
            try dialect.verifyChecksums(response.headers, md5Hex: Hex.encode(md5), crc64: nil, key: key)
            return response
        }
        guard let etag = response.headers.first(name: "ETag") else {
            throw ObjectStorageError(
                .serviceError, "\(dialect.serviceName) answered UploadPart \(number) without an ETag", key: key)
        }
        return CompletedPart(number: number, etag: etag, md5: md5)
    }

    private func complete<Source>(
        parts: [CompletedPart], uploadID: String, fullKey: String, key: String, reader: PartReader<Source>
    ) async throws(ObjectStorageError) -> String? {
        var xml = "<CompleteMultipartUpload>"
        for part in parts {
            xml += "<Part><PartNumber>\(part.number)</PartNumber><ETag>\(xmlEscaped(part.etag))</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let body = ByteBuffer(string: xml)
        let response = try await withRetries("CompleteMultipartUpload", key: key) {
            () async throws(ObjectStorageError) in
            try await send(
                .POST, objectKey: fullKey, query: [.init("uploadId", uploadID)],
                headers: [("Content-Type", "application/xml")], body: body, key: key)
        }
        // S3 may answer 200 with an <Error> body when completion fails late.
        let document = XMLElementNode.parse(Data(response.body.readableBytesView))
        if let document, document.name == "Error" {
            throw storeError(
                Response(status: .internalServerError, headers: response.headers, body: response.body), method: .POST,
                key: key)
        }
        try dialect.verifyChecksums(
            response.headers, md5Hex: nil, crc64: dialect.computesCRC64 ? reader.crc64.value : nil, key: key)
        let etag = document?.text("ETag") ?? response.headers.first(name: "ETag")
        if let etag, dialect.etagsAreMD5s {
            try verifyMultipartETag(etag, parts: parts, key: key)
        }
        return etag
    }

    /// A multipart ETag of the form `"<hex>-<n>"` is the MD5 of the concatenated part MD5s.
    private func verifyMultipartETag(_ etag: String, parts: [CompletedPart], key: String) throws(ObjectStorageError) {
        let trimmed = etag.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        let pieces = trimmed.split(separator: "-")
        guard pieces.count == 2, pieces[0].count == 32, Int(pieces[1]) != nil else { return }
        var combined = Data()
        for part in parts { combined.append(part.md5) }
        let expected = "\(Hex.encode(Insecure.MD5.hash(data: combined)))-\(parts.count)"
        guard trimmed.lowercased() == expected else {
            throw ObjectStorageError(
                .integrityMismatch,
                "\(dialect.serviceName) reports ETag \(trimmed) for the completed upload, expected \(expected); "
                    + "upload it again",
                key: key)
        }
    }

    // MARK: - Reading and URLs

    func metadata(_ key: String) async throws(ObjectStorageError) -> ObjectMetadata? {
        let fullKey = try objectKey(key)
        let response = try await withRetries("HEAD", key: key) { () async throws(ObjectStorageError) in
            try await send(.HEAD, objectKey: fullKey, key: key, acceptNotFound: true)
        }
        if response.status == .notFound { return nil }
        return ObjectMetadata(
            size: response.headers.first(name: "Content-Length").flatMap { Int64($0) } ?? 0,
            contentType: response.headers.first(name: "Content-Type"),
            etag: response.headers.first(name: "ETag"))
    }

    func get(_ key: String, maxBytes: Int) async throws(ObjectStorageError) -> ByteBuffer {
        let fullKey = try objectKey(key)
        return try await withRetries("GET", key: key) { () async throws(ObjectStorageError) in
            try await send(.GET, objectKey: fullKey, key: key, maxResponseBytes: maxBytes).body
        }
    }

    func delete(_ key: String) async throws(ObjectStorageError) {
        let fullKey = try objectKey(key)
        _ = try await withRetries("DELETE", key: key) { () async throws(ObjectStorageError) in
            try await send(.DELETE, objectKey: fullKey, key: key, acceptNotFound: true)
        }
    }

    func url(for key: String) throws(ObjectStorageError) -> URL {
        let fullKey = try objectKey(key)
        switch urlStyle {
        case .direct:
            return dialect.directURL(objectKey: fullKey)
        case .cdn(let base):
            return URL(
                string: base.absoluteString.trimmingSuffix("/") + "/" + PercentEncoding.encode(fullKey, keepSlash: true)
            )!
        case .presigned(let seconds):
            return try dialect.presignedGetURL(objectKey: fullKey, seconds: seconds, date: Date())
        }
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var result = self
        while result.hasSuffix(suffix) { result.removeLast(suffix.count) }
        return result
    }
}
