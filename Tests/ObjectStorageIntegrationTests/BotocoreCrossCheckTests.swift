import AssetForgeConfiguration
import Foundation
import ProcessTestSupport
import Testing

@testable import ObjectStorage

/// SigV4 cross-checked against botocore (from the project venv) on requests with awkward keys and queries.
@Suite struct BotocoreCrossCheckTests {
    static let script = """
        import json, sys
        from botocore.auth import S3SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        case = json.loads(sys.argv[1])
        creds = Credentials(case["ak"], case["sk"], case.get("token"))
        request = AWSRequest(method=case["method"], url=case["url"], headers=case["headers"])
        auth = S3SigV4Auth(creds, "s3", case["region"])
        request.context["timestamp"] = case["timestamp"]
        request.headers["X-Amz-Date"] = case["timestamp"]
        if case.get("token"):
            request.headers["X-Amz-Security-Token"] = case["token"]
        canonical = auth.canonical_request(request)
        string_to_sign = auth.string_to_sign(request, canonical)
        print(json.dumps({"signature": auth.signature(string_to_sign, request),
                          "signed": auth.signed_headers(auth.headers_to_sign(request))}))
        """

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var method: String
        var path: String
        var query: [SigningRequest.QueryParameter]
        var headers: [String: String]
        var token: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "put part with md5", method: "PUT", path: "/bucket/assets/SKU-1/video/a b+c.mp4",
            query: [.init("partNumber", "3"), .init("uploadId", "abc/def=")],
            headers: ["Content-MD5": "1B2M2Y8AsgTpgAEXAMPLE==", "Content-Type": "video/mp4"]),
        Case(
            name: "initiate with bare query and token", method: "POST", path: "/bucket/assets/k~ey/ünï.png",
            query: [.init("uploads", "")], headers: ["Content-Type": "image/png"], token: "session/token+1=="),
        Case(
            name: "list with several parameters", method: "GET", path: "/bucket/",
            query: [.init("prefix", "assets/a b"), .init("max-keys", "10"), .init("delimiter", "/")], headers: [:]),
    ]

    @Test("same signature as botocore", arguments: cases)
    func matchesBotocore(_ testCase: Case) async throws {
        let python = try TestSupport.venvTool("python")
        let timestamp = "20240315T101112Z"
        let host = "127.0.0.1:9000"
        var credentials = ObjectStoreCredentials(
            accessKeyID: Secret("AKIDEXAMPLE"), secretAccessKey: Secret("secret/key+x"))
        if let token = testCase.token { credentials.sessionToken = Secret(token) }
        var headers: [(name: String, value: String)] = [("Host", host), ("x-amz-content-sha256", "UNSIGNED-PAYLOAD")]
        for (name, value) in testCase.headers.sorted(by: { $0.key < $1.key }) { headers.append((name, value)) }
        var request = SigningRequest(method: testCase.method, query: testCase.query, headers: headers)
        let date = Date(timeIntervalSince1970: 1_710_497_472)  // 2024-03-15T10:11:12Z
        AWSV4Signer(credentials: credentials, region: "us-east-1").signHeaders(
            &request, path: testCase.path, date: date)
        let authorization = try #require(request.header("Authorization"))

        let url =
            "http://\(host)\(PercentEncoding.encode(testCase.path, keepSlash: true))"
            + (testCase.query.isEmpty ? "" : "?\(request.encodedQuery)")
        var botoHeaders = testCase.headers
        botoHeaders["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD"
        botoHeaders["Host"] = host
        var input: [String: Any] = [
            "ak": "AKIDEXAMPLE", "sk": "secret/key+x", "method": testCase.method,
            "url": url, "headers": botoHeaders, "region": "us-east-1", "timestamp": timestamp,
        ]
        if let token = testCase.token { input["token"] = token }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: input), as: UTF8.self)
        let botocore = try await FinishedProcess.run(python, ["-c", Self.script, json])
        #expect(botocore.status == 0, "\(botocore.transcript)")
        let result = try JSONSerialization.jsonObject(with: botocore.output) as? [String: String]
        let signature = try #require(result?["signature"])
        #expect(
            authorization.hasSuffix("Signature=\(signature)"), "botocore signed headers: \(result?["signed"] ?? "")")
        #expect(authorization.contains("SignedHeaders=\(result?["signed"] ?? "")"))
    }
}
