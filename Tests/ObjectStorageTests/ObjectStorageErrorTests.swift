import Testing

@testable import ObjectStorage

@Suite("Which store errors are worth another attempt") struct ObjectStorageErrorTests {
    /// A store refusing a part's bytes (`BadDigest`) or an ETag that does not match them: the bytes were damaged on
    /// the way, so sending them again may succeed.
    @Test func damagedBytesAreRetriable() {
        #expect(ObjectStorageError(.serviceError, "x", key: "k", httpStatus: 400, serviceCode: "BadDigest").isRetriable)
        #expect(ObjectStorageError(.integrityMismatch, "x", key: "k").isRetriable)
    }

    @Test func refusalsAreNot() {
        #expect(
            !ObjectStorageError(.serviceError, "x", key: "k", httpStatus: 403, serviceCode: "AccessDenied").isRetriable)
        #expect(
            !ObjectStorageError(.serviceError, "x", key: "k", httpStatus: 400, serviceCode: "InvalidArgument").isRetriable)
        #expect(ObjectStorageError(.serviceError, "x", key: "k", httpStatus: 503, serviceCode: "SlowDown").isRetriable)
    }
}
