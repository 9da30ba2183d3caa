import AssetForgeConfiguration
import Foundation
import Testing

@testable import ObjectStorage

/// SigV4 against the example values AWS publishes in the S3 SigV4 documentation.
@Suite struct AWSV4SignerTests {
    static let credentials = ObjectStoreCredentials(
        accessKeyID: Secret("AKIAIOSFODNN7EXAMPLE"),
        secretAccessKey: Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
    static let date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z
    static let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    @Test("GET object with Range (header signing example)")
    func getObject() {
        var request = SigningRequest(
            method: "GET",
            headers: [
                ("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
                ("x-amz-content-sha256", Self.emptySHA256),
            ])
        AWSV4Signer(credentials: Self.credentials, region: "us-east-1")
            .signHeaders(&request, path: "/test.txt", date: Self.date, additionalHeaders: ["range"])
        #expect(
            request.header("Authorization")
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test("presigned GET (query signing example)")
    func presignedGet() throws {
        var request = SigningRequest(method: "GET", headers: [("Host", "examplebucket.s3.amazonaws.com")])
        try AWSV4Signer(credentials: Self.credentials, region: "us-east-1")
            .presign(&request, path: "/test.txt", date: Self.date, expires: 86_400)
        #expect(
            request.query.last?.value == "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }
}
