import Foundation
import NIOCore
import Synchronization

/// What the simulator stores: buckets with objects and multipart uploads in progress.
struct OSSSimulatorState: Sendable {
    struct StoredObject: Sendable {
        var body: ByteBuffer
        var contentType: String
        var etag: String
        var crc64: UInt64
        var lastModified: Date
    }

    struct Upload: Sendable {
        var key: String
        var contentType: String
        var parts: [Int: (body: ByteBuffer, etag: String, md5: [UInt8])] = [:]
    }

    struct Bucket: Sendable {
        var objects: [String: StoredObject] = [:]
        var uploads: [String: Upload] = [:]
    }

    var buckets: [String: Bucket] = [:]
    var faults: [OSSSimulator.Fault] = []
    var requestCount = 0
}
