import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import Synchronization

/// An in-memory stand-in for Alibaba Cloud OSS, for tests and the local provider simulator.
///
/// It speaks the native OSS object API on virtual-hosted URLs (`http://BUCKET.HOST:PORT/KEY`, the
/// bucket taken from the Host header's first label): PutObject, GetObject, HeadObject, DeleteObject,
/// InitiateMultipartUpload, UploadPart, CompleteMultipartUpload and AbortMultipartUpload, with
/// OSS's XML bodies and `<Error>` shapes, `ETag` and `x-oss-hash-crc64ecma` headers, and
/// Content-MD5 checks. Every request must carry a valid V4 signature (`OSS4-HMAC-SHA256`, in the
/// `Authorization` header or as a presigned query), verified by code of its own, independent of
/// the client's signer.
///
/// Mount ``middleware(for:)`` into any Hummingbird router, or run ``makeApplication(host:port:onRunning:)``.
public final class OSSSimulator: Sendable {
    /// A failure to inject into matching requests (for retry and abort tests).
    public struct Fault: Sendable {
        /// Which requests fail.
        public enum Operation: Sendable, Equatable {
            /// `PUT ?partNumber=N&uploadId=…` for part `N` (any part when `nil`).
            case uploadPart(Int?)
            /// `PUT` of a whole object.
            case putObject
            /// `POST ?uploadId=…`.
            case completeMultipartUpload
        }

        /// Which requests fail.
        public var operation: Operation
        /// The status to answer with, e.g. 500 or 503.
        public var status: Int
        /// How many matching requests fail; `nil` for all of them.
        public var remaining: Int?

        /// Creates a fault.
        public init(_ operation: Operation, status: Int = 500, times remaining: Int? = 1) {
            self.operation = operation
            self.status = status
            self.remaining = remaining
        }
    }

    let state = Mutex(OSSSimulatorState())
    /// Access key id → secret.
    let credentials: [String: String]
    /// The region requests must be signed for.
    public let region: String
    /// The largest request body accepted.
    public let maxBodyBytes: Int
    /// Allowed difference between a request's `x-oss-date` and the simulator's clock, in seconds.
    public let allowedClockSkew: TimeInterval = 900

    /// Creates a simulator.
    /// - Parameters:
    ///   - credentials: accepted access key ids and their secrets.
    ///   - region: the region in the signature scope, e.g. `cn-hangzhou`.
    ///   - buckets: buckets that exist from the start.
    public init(
        credentials: [String: String], region: String, buckets: [String], maxBodyBytes: Int = 256 << 20
    ) {
        self.credentials = credentials
        self.region = region
        self.maxBodyBytes = maxBodyBytes
        state.withLock { state in
            for bucket in buckets { state.buckets[bucket] = .init() }
        }
    }

    /// Makes matching requests fail.
    public func inject(_ fault: Fault) {
        state.withLock { $0.faults.append(fault) }
    }

    /// The keys in `bucket`, sorted.
    public func keys(in bucket: String) -> [String] {
        state.withLock { $0.buckets[bucket]?.objects.keys.sorted() ?? [] }
    }

    /// The bytes of an object, if present.
    public func object(_ key: String, in bucket: String) -> (body: ByteBuffer, contentType: String)? {
        state.withLock { $0.buckets[bucket]?.objects[key].map { ($0.body, $0.contentType) } }
    }

    /// The ids of multipart uploads started and neither completed nor aborted.
    public func uploadsInProgress(in bucket: String) -> [String] {
        state.withLock { $0.buckets[bucket]?.uploads.keys.sorted() ?? [] }
    }

    /// Requests handled so far.
    public var requestCount: Int { state.withLock { $0.requestCount } }

    /// Middleware that serves requests for the simulator's buckets and passes others on.
    public func middleware<Context: RequestContext>(for context: Context.Type = Context.self) -> OSSSimulatorMiddleware<
        Context
    > {
        OSSSimulatorMiddleware(simulator: self)
    }

    /// An application serving only the simulator.
    /// - Parameter onRunning: called with the bound port once the server listens.
    public func makeApplication(
        host: String = "127.0.0.1", port: Int = 0, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: middleware(for: BasicRequestContext.self))
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "AliyunOSS"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) })
    }

    func takeFault(_ operation: Fault.Operation) -> Int? {
        state.withLock { state in
            state.requestCount += 1
            guard
                let index = state.faults.firstIndex(where: { fault in
                    switch (fault.operation, operation) {
                    case (.uploadPart(nil), .uploadPart): return true
                    default: return fault.operation == operation
                    }
                })
            else { return nil }
            let status = state.faults[index].status
            if let remaining = state.faults[index].remaining {
                if remaining <= 1 {
                    state.faults.remove(at: index)
                } else {
                    state.faults[index].remaining = remaining - 1
                }
            }
            return status
        }
    }
}
