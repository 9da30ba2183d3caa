import AssetForgeConfiguration
import Foundation
import Testing

@testable import ObjectStorage

/// The official OSS signing test vectors (providers.md, Appendix A).
@Suite struct OSSSignerVectorTests {
    static let plain = ObjectStoreCredentials(accessKeyID: Secret("ak"), secretAccessKey: Secret("sk"))
    static let sts = ObjectStoreCredentials(
        accessKeyID: Secret("ak"), secretAccessKey: Secret("sk"), sessionToken: Secret("token"))

    static let bucket = "bucket"
    static let key = "1234+-/123/1.txt"

    static func v4Request(contentType: String, contentSHA256: Bool) -> SigningRequest {
        var headers: [(name: String, value: String)] = [
            ("x-oss-head1", "value"), ("abc", "value"), ("ZAbc", "value"), ("XYZ", "value"),
            ("content-type", contentType),
        ]
        if contentSHA256 { headers.append(("x-oss-content-sha256", "UNSIGNED-PAYLOAD")) }
        return SigningRequest(
            method: "PUT",
            query: [
                .init("param1", "value1"), .init("+param1", "value3"), .init("|param1", "value4"),
                .init("+param2", ""), .init("|param2", ""), .init("param2", ""),
            ],
            headers: headers)
    }

    static func date(_ epoch: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(epoch)) }

    // MARK: A.3 header signing

    @Test("A.3.1 canonical request, string to sign and Authorization")
    func a31() {
        var request = Self.v4Request(contentType: "text/plain", contentSHA256: true)
        let signer = OSSV4Signer(credentials: Self.plain, region: "cn-hangzhou")
        signer.signHeaders(&request, bucket: Self.bucket, key: Self.key, date: Self.date(1_702_743_657))
        #expect(request.header("x-oss-date") == "20231216T162057Z")
        let canonical = OSSV4Signer.canonicalRequest(request, bucket: Self.bucket, key: Self.key, additional: [])
        #expect(
            canonical == """
                PUT
                /bucket/1234%2B-/123/1.txt
                %2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2
                content-type:text/plain
                x-oss-content-sha256:UNSIGNED-PAYLOAD
                x-oss-date:20231216T162057Z
                x-oss-head1:value


                UNSIGNED-PAYLOAD
                """)
        #expect(
            OSSV4Signer.stringToSign(
                canonicalRequest: canonical, timestamp: "20231216T162057Z",
                scope: "20231216/cn-hangzhou/oss/aliyun_v4_request")
                == "OSS4-HMAC-SHA256\n20231216T162057Z\n20231216/cn-hangzhou/oss/aliyun_v4_request\n"
                + "f4613657f1b108998e8dbd10a1aa5da621dc2c6e02c9ddec0f163664848704c4")
        #expect(
            request.header("Authorization")
                == "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,"
                + "Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe")
    }

    @Test("A.3.2 STS token")
    func a32() {
        var request = Self.v4Request(contentType: "text/plain", contentSHA256: true)
        let signer = OSSV4Signer(credentials: Self.sts, region: "cn-hangzhou")
        signer.signHeaders(&request, bucket: Self.bucket, key: Self.key, date: Self.date(1_702_784_856))
        #expect(request.header("x-oss-security-token") == "token")
        #expect(
            request.header("Authorization")
                == "OSS4-HMAC-SHA256 Credential=ak/20231217/cn-hangzhou/oss/aliyun_v4_request,"
                + "Signature=b94a3f999cf85bcdc00d332fbd3734ba03e48382c36fa4d5af5df817395bd9ea")
    }

    @Test(
        "A.3.3 additional headers",
        arguments: [["ZAbc", "abc"], ["x-oss-no-exist", "ZAbc", "x-oss-head1", "abc"]])
    func a33(additional: [String]) {
        var request = Self.v4Request(contentType: "text/plain", contentSHA256: true)
        let signer = OSSV4Signer(credentials: Self.plain, region: "cn-hangzhou")
        signer.signHeaders(
            &request, bucket: Self.bucket, key: Self.key, date: Self.date(1_702_747_512), additionalHeaders: additional)
        #expect(
            request.header("Authorization")
                == "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,"
                + "AdditionalHeaders=abc;zabc,"
                + "Signature=4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f")
    }

    @Test("A.3.4 CloudBox")
    func a34() {
        var request = Self.v4Request(contentType: "text/plain", contentSHA256: true)
        let signer = OSSV4Signer(credentials: Self.plain, region: "cb-123", product: "oss-cloudbox")
        signer.signHeaders(&request, bucket: Self.bucket, key: Self.key, date: Self.date(1_702_743_657))
        #expect(
            request.header("Authorization")
                == "OSS4-HMAC-SHA256 Credential=ak/20231216/cb-123/oss-cloudbox/aliyun_v4_request,"
                + "Signature=94ce1f12c17d148ea681030275a94449d3357f5b5b21133996eec80af3e08a43")
    }

    // MARK: A.4 presigned URLs

    struct PresignCase: Sendable, CustomTestStringConvertible {
        var name: String
        var signTime: Int
        var expiry: Int
        var sts = false
        var cloudBox = false
        var additional: [String] = []
        var date: String
        var signature: String
        var testDescription: String { name }
    }

    static let presignCases: [PresignCase] = [
        .init(
            name: "A.4.1", signTime: 1_702_781_677, expiry: 1_702_782_276, date: "20231217T025437Z",
            signature: "a39966c61718be0d5b14e668088b3fa07601033f6518ac7b523100014269c0fe"),
        .init(
            name: "A.4.2", signTime: 1_702_785_388, expiry: 1_702_785_987, sts: true, date: "20231217T035628Z",
            signature: "3817ac9d206cd6dfc90f1c09c00be45005602e55898f26f5ddb06d7892e1f8b5"),
        .init(
            name: "A.4.3", signTime: 1_702_783_809, expiry: 1_702_784_408, additional: ["ZAbc", "abc"],
            date: "20231217T033009Z",
            signature: "6bd984bfe531afb6db1f7550983a741b103a8c58e5e14f83ea474c2322dfa2b7"),
        .init(
            name: "A.4.4", signTime: 1_702_781_677, expiry: 1_702_781_677 + 432_000, date: "20231217T025437Z",
            signature: "31029123dc7732d2d2cfd4006ea4fdb6cf86da6478f813e2bf8f87877c7b9fec"),
        .init(
            name: "A.4.5", signTime: 1_702_781_677, expiry: 1_702_782_276, cloudBox: true,
            additional: ["ZAbc", "abc"], date: "20231217T025437Z",
            signature: "07284191b9b4978ac3520cd39ee2dea2747eda454089359371ff463a6c7ba20f"),
        .init(
            name: "A.4.6", signTime: 1_702_783_809, expiry: 1_702_784_408, cloudBox: true,
            additional: ["abc", "ZAbc", "x-oss-no-exist", "x-oss-head1"], date: "20231217T033009Z",
            signature: "16782cc8a7a554523db055eb804b508522e7e370073108ad88ee2f47496701dd"),
    ]

    @Test("A.4 presigned URLs", arguments: presignCases)
    func a4(_ vector: PresignCase) throws {
        var request = Self.v4Request(contentType: "application/octet-stream", contentSHA256: false)
        let signer =
            vector.cloudBox
            ? OSSV4Signer(credentials: Self.plain, region: "cb-123", product: "oss-cloudbox")
            : OSSV4Signer(credentials: vector.sts ? Self.sts : Self.plain, region: "cn-hangzhou")
        try signer.presign(
            &request, bucket: Self.bucket, key: Self.key, date: Self.date(vector.signTime),
            expires: vector.expiry - vector.signTime, additionalHeaders: vector.additional)
        func value(_ name: String) -> String? { request.query.first { $0.name == name }?.value }
        #expect(value("x-oss-signature-version") == "OSS4-HMAC-SHA256")
        #expect(value("x-oss-date") == vector.date)
        #expect(value("x-oss-expires") == String(vector.expiry - vector.signTime))
        if !vector.cloudBox {
            #expect(value("x-oss-credential") == "ak/20231217/cn-hangzhou/oss/aliyun_v4_request")
        }
        #expect(value("x-oss-additional-headers") == (vector.additional.isEmpty ? nil : "abc;zabc"))
        #expect(value("x-oss-security-token") == (vector.sts ? "token" : nil))
        #expect(value("x-oss-signature") == vector.signature)
        #expect(request.encodedQuery.contains("x-oss-credential=ak%2F20231217%2F"))
    }

    @Test("A.4.1 canonical request")
    func a41Canonical() throws {
        var request = Self.v4Request(contentType: "application/octet-stream", contentSHA256: false)
        let signer = OSSV4Signer(credentials: Self.plain, region: "cn-hangzhou")
        try signer.presign(
            &request, bucket: Self.bucket, key: Self.key, date: Self.date(1_702_781_677), expires: 599)
        request.query.removeLast()  // x-oss-signature is not part of what is signed
        #expect(
            OSSV4Signer.canonicalRequest(request, bucket: Self.bucket, key: Self.key, additional: []) == """
                PUT
                /bucket/1234%2B-/123/1.txt
                %2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2&x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20231217T025437Z&x-oss-expires=599&x-oss-signature-version=OSS4-HMAC-SHA256
                content-type:application/octet-stream
                x-oss-head1:value


                UNSIGNED-PAYLOAD
                """)
    }

    @Test("presigning refuses lifetimes over 7 days")
    func presignLimit() {
        var request = SigningRequest(method: "GET")
        let signer = OSSV4Signer(credentials: Self.plain, region: "cn-hangzhou")
        #expect(throws: ObjectStorageError.self) {
            try signer.presign(&request, bucket: "b", key: "k", date: Date(), expires: 604_801)
        }
    }

    // MARK: A.1 / A.2 signature V1

    static func v1Request(method: String, query: [SigningRequest.QueryParameter], full: Bool) -> SigningRequest {
        var headers: [(name: String, value: String)] = [("x-oss-date", "Wed, 28 Dec 2022 10:27:41 GMT")]
        if full {
            headers += [
                ("Content-MD5", "eB5eJF1ptWaXm4bijSPyxw=="), ("Content-Type", "text/html"),
                ("x-oss-meta-author", "alice"), ("x-oss-meta-magic", "abracadabra"),
            ]
        }
        return SigningRequest(method: method, query: query, headers: headers)
    }

    @Test("A.1.1 and A.1.2 V1 header signing")
    func a11() {
        let signer = OSSV1Signer(credentials: Self.plain)
        var request = Self.v1Request(method: "PUT", query: [], full: true)
        #expect(
            OSSV1Signer.stringToSign(
                request, bucket: "examplebucket", key: "nelson", dateLine: "Wed, 28 Dec 2022 10:27:41 GMT",
                extraSubresources: [])
                == "PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\nWed, 28 Dec 2022 10:27:41 GMT\n"
                + "x-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\nx-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n"
                + "/examplebucket/nelson")
        signer.signHeaders(&request, bucket: "examplebucket", key: "nelson", date: Date())
        #expect(request.header("Authorization") == "OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=")

        var acl = Self.v1Request(method: "PUT", query: [.init("acl")], full: true)
        signer.signHeaders(&acl, bucket: "examplebucket", key: "nelson", date: Date())
        #expect(acl.header("Authorization") == "OSS ak:/afkugFbmWDQ967j1vr6zygBLQk=")
    }

    @Test("A.1.3 and A.1.4 V1 bucket-level with a declared sub-resource")
    func a13() {
        let signer = OSSV1Signer(credentials: Self.plain)
        var request = Self.v1Request(
            method: "GET", query: [.init("resourceGroup"), .init("non-resousce", "null")], full: false)
        signer.signHeaders(
            &request, bucket: "examplebucket", key: nil, date: Date(), extraSubresources: ["resourceGroup"])
        #expect(request.header("Authorization") == "OSS ak:vkQmfuUDyi1uDi3bKt67oemssIs=")

        var acl = Self.v1Request(method: "GET", query: [.init("resourceGroup"), .init("acl")], full: false)
        signer.signHeaders(&acl, bucket: "examplebucket", key: nil, date: Date(), extraSubresources: ["resourceGroup"])
        #expect(acl.header("Authorization") == "OSS ak:x3E5TgOvl/i7PN618s5mEvpJDYk=")
    }

    @Test("A.2 V1 presigned URLs")
    func a2() {
        var request = SigningRequest(method: "GET", query: [.init("versionId", "versionId")])
        OSSV1Signer(credentials: Self.plain).presign(
            &request, bucket: "bucket", key: "key", expiresAt: Self.date(1_699_807_420))
        request.query.sort { $0.name < $1.name }
        #expect(
            "http://bucket.oss-cn-hangzhou.aliyuncs.com/key?\(request.encodedQuery)"
                == "http://bucket.oss-cn-hangzhou.aliyuncs.com/key?Expires=1699807420&OSSAccessKeyId=ak"
                + "&Signature=dcLTea%2BYh9ApirQ8o8dOPqtvJXQ%3D&versionId=versionId")

        var sts = SigningRequest(method: "GET", query: [.init("versionId", "versionId")])
        OSSV1Signer(credentials: Self.sts).presign(
            &sts, bucket: "bucket", key: "key+123", expiresAt: Self.date(1_699_808_204))
        sts.query.sort { $0.name < $1.name }
        #expect(
            "http://bucket.oss-cn-hangzhou.aliyuncs.com/\(PercentEncoding.encode("key+123", keepSlash: true))?"
                + sts.encodedQuery
                == "http://bucket.oss-cn-hangzhou.aliyuncs.com/key%2B123?Expires=1699808204&OSSAccessKeyId=ak"
                + "&Signature=jzKYRrM5y6Br0dRFPaTGOsbrDhY%3D&security-token=token&versionId=versionId")
    }
}
