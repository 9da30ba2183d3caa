import Crypto
import Foundation
import HTTPTypes

/// Checks OSS V4 signatures from the raw request, written independently of the client's signer:
/// it starts from the request line and header fields as received.
struct OSSSignatureVerifier: Sendable {
    let credentials: [String: String]
    let region: String
    let allowedClockSkew: TimeInterval

    struct Rejection: Error {
        var status: HTTPResponse.Status
        var code: String
        var message: String
    }

    /// Verifies header or query authentication. `rawPath` is the request target's path, still encoded.
    func verify(
        method: String, rawPath: Substring, query: [(name: String, value: String)], headers: HTTPFields,
        bucket: String, now: Date
    ) throws(Rejection) {
        if let authorization = headers[.authorization] {
            try verifyHeader(
                authorization, method: method, rawPath: rawPath, query: query, headers: headers, bucket: bucket,
                now: now)
        } else if query.contains(where: { $0.name == "x-oss-signature" }) {
            try verifyQuery(method: method, rawPath: rawPath, query: query, headers: headers, bucket: bucket, now: now)
        } else {
            throw Rejection(
                status: .forbidden, code: "AccessDenied", message: "AccessDenied: Anonymous access is forbidden.")
        }
    }

    private func verifyHeader(
        _ authorization: String, method: String, rawPath: Substring, query: [(name: String, value: String)],
        headers: HTTPFields, bucket: String, now: Date
    ) throws(Rejection) {
        let prefix = "OSS4-HMAC-SHA256 "
        guard authorization.hasPrefix(prefix) else {
            throw Rejection(status: .badRequest, code: "InvalidArgument", message: "Authorization header is invalid.")
        }
        var fields: [String: String] = [:]
        for item in authorization.dropFirst(prefix.count).split(separator: ",") {
            guard let equals = item.firstIndex(of: "=") else { continue }
            fields[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        guard let credential = fields["Credential"], let provided = fields["Signature"] else {
            throw Rejection(
                status: .badRequest, code: "InvalidArgument",
                message: "Authorization header needs Credential and Signature.")
        }
        guard let date = headers[HTTPField.Name("x-oss-date")!] else {
            throw Rejection(status: .forbidden, code: "AccessDenied", message: "x-oss-date header is missing.")
        }
        guard headers[HTTPField.Name("x-oss-content-sha256")!] != nil else {
            throw Rejection(
                status: .forbidden, code: "AccessDenied", message: "x-oss-content-sha256 header is missing.")
        }
        let additional = fields["AdditionalHeaders"].map { $0.split(separator: ";").map(String.init) } ?? []
        let (accessKey, secret, scopeDate) = try checkCredential(credential)
        let time = try checkTime(date, scopeDate: scopeDate, now: now)
        _ = time
        let expected = signature(
            method: method, rawPath: rawPath, query: query, headers: headers, additional: additional, bucket: bucket,
            date: date, scopeDate: scopeDate, secret: secret)
        guard constantTimeEqual(expected, provided) else {
            throw Rejection(
                status: .forbidden, code: "SignatureDoesNotMatch",
                message: "The request signature we calculated does not match the signature you provided "
                    + "(access key \(accessKey)).")
        }
    }

    private func verifyQuery(
        method: String, rawPath: Substring, query: [(name: String, value: String)], headers: HTTPFields,
        bucket: String, now: Date
    ) throws(Rejection) {
        func value(_ name: String) -> String? { query.first { $0.name == name }?.value }
        guard value("x-oss-signature-version") == "OSS4-HMAC-SHA256", let credential = value("x-oss-credential"),
            let date = value("x-oss-date"), let expiresText = value("x-oss-expires"), let expires = Int(expiresText),
            let provided = value("x-oss-signature")
        else {
            throw Rejection(
                status: .badRequest, code: "InvalidArgument", message: "Query authentication is incomplete.")
        }
        let (_, secret, scopeDate) = try checkCredential(credential)
        guard let signedAt = Self.parseTimestamp(date) else {
            throw Rejection(status: .badRequest, code: "InvalidArgument", message: "x-oss-date is malformed.")
        }
        guard (1...604_800).contains(expires) else {
            throw Rejection(status: .badRequest, code: "InvalidArgument", message: "x-oss-expires is out of range.")
        }
        guard now.timeIntervalSince(signedAt) <= TimeInterval(expires) else {
            throw Rejection(status: .forbidden, code: "AccessDenied", message: "Request has expired.")
        }
        let additional = value("x-oss-additional-headers").map { $0.split(separator: ";").map(String.init) } ?? []
        let signedQuery = query.filter { $0.name != "x-oss-signature" }
        let expected = signature(
            method: method, rawPath: rawPath, query: signedQuery, headers: headers, additional: additional,
            bucket: bucket, date: date, scopeDate: scopeDate, secret: secret)
        guard constantTimeEqual(expected, provided) else {
            throw Rejection(
                status: .forbidden, code: "SignatureDoesNotMatch",
                message: "The request signature we calculated does not match the signature you provided.")
        }
    }

    private func checkCredential(_ credential: String) throws(Rejection) -> (String, String, String) {
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts[3] == "oss", parts[4] == "aliyun_v4_request" else {
            throw Rejection(status: .badRequest, code: "InvalidArgument", message: "Credential is malformed.")
        }
        guard let secret = credentials[parts[0]] else {
            throw Rejection(
                status: .forbidden, code: "InvalidAccessKeyId",
                message: "The OSS Access Key Id you provided does not exist in our records.")
        }
        guard parts[2] == region else {
            throw Rejection(
                status: .forbidden, code: "SignatureDoesNotMatch",
                message: "Invalid signing region in Authorization header: \(parts[2]), expected \(region).")
        }
        return (parts[0], secret, parts[1])
    }

    private func checkTime(_ date: String, scopeDate: String, now: Date) throws(Rejection) -> Date {
        guard let time = Self.parseTimestamp(date), date.hasPrefix(scopeDate) else {
            throw Rejection(status: .badRequest, code: "InvalidArgument", message: "x-oss-date is malformed.")
        }
        guard abs(time.timeIntervalSince(now)) <= allowedClockSkew else {
            throw Rejection(
                status: .forbidden, code: "RequestTimeTooSkewed",
                message: "The difference between the request time and the current time is too large.")
        }
        return time
    }

    static func parseTimestamp(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: text)
    }

    // MARK: - Computing the signature from what was received

    private func signature(
        method: String, rawPath: Substring, query: [(name: String, value: String)], headers: HTTPFields,
        additional: [String], bucket: String, date: String, scopeDate: String, secret: String
    ) -> String {
        let key = String(Self.percentDecoded(rawPath.dropFirst()))
        let canonicalURI = Self.uriEncode("/\(bucket)/\(key)", keepingSlash: true)

        var encodedQuery: [String] = []
        for (name, value) in query {
            let encodedName = Self.uriEncode(name, keepingSlash: false)
            encodedQuery.append(
                value.isEmpty ? encodedName : encodedName + "=" + Self.uriEncode(value, keepingSlash: false))
        }
        // Sorting "name=value" strings orders by name first, since "=" sorts before every encoded name character.
        let canonicalQuery = encodedQuery.sorted(by: Self.byNameThenValue).joined(separator: "&")

        let additionalSet = Set(additional.map { $0.lowercased() })
        var signed: [(String, String)] = []
        for field in headers {
            let name = field.name.canonicalName
            if name.hasPrefix("x-oss-") || name == "content-type" || name == "content-md5"
                || additionalSet.contains(name)
            {
                signed.append((name, field.value.trimmingCharacters(in: .whitespaces)))
            }
        }
        signed.sort { $0.0 < $1.0 }
        var lines = [method, canonicalURI, canonicalQuery]
        lines.append(signed.map { "\($0.0):\($0.1)\n" }.joined())
        lines.append(additional.map { $0.lowercased() }.sorted().joined(separator: ";"))
        lines.append(headers[HTTPField.Name("x-oss-content-sha256")!] ?? "UNSIGNED-PAYLOAD")
        let canonicalRequest = lines.joined(separator: "\n")

        let scope = "\(scopeDate)/\(region)/oss/aliyun_v4_request"
        let hashedRequest = SHA256.hash(data: Array(canonicalRequest.utf8)).map { String(format: "%02x", $0) }.joined()
        let stringToSign = "OSS4-HMAC-SHA256\n\(date)\n\(scope)\n\(hashedRequest)"

        func hmac(_ key: [UInt8], _ message: String) -> [UInt8] {
            Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key)))
        }
        let dateKey = hmac(Array("aliyun_v4\(secret)".utf8), scopeDate)
        let regionKey = hmac(dateKey, region)
        let serviceKey = hmac(regionKey, "oss")
        let signingKey = hmac(serviceKey, "aliyun_v4_request")
        return hmac(signingKey, stringToSign).map { String(format: "%02x", $0) }.joined()
    }

    private static func byNameThenValue(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let right = rhs.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        if left[0] != right[0] { return left[0] < right[0] }
        return (left.count > 1 ? left[1] : "") < (right.count > 1 ? right[1] : "")
    }

    private func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func uriEncode(_ text: String, keepingSlash: Bool) -> String {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        var out = ""
        for byte in text.utf8 {
            if allowed.contains(byte) || (keepingSlash && byte == 0x2F) {
                out.append(Character(Unicode.Scalar(byte)))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    static func percentDecoded(_ text: Substring) -> String {
        text.removingPercentEncoding ?? String(text)
    }
}
