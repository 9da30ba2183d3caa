import Crypto
import Foundation

/// Volcengine's HMAC-SHA256 request signing (the scheme of its OpenAPI gateway), for the visual (`cv`) service.
public struct VolcengineSigner: Sendable {
    /// Access key id.
    public var accessKey: String
    /// Secret access key.
    public var secretKey: String
    /// Region. Default `cn-north-1`.
    public var region = "cn-north-1"
    /// Service. Default `cv`.
    public var service = "cv"

    /// A signer.
    public init(accessKey: String, secretKey: String, region: String = "cn-north-1", service: String = "cv") {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.region = region
        self.service = service
    }

    /// The headers to send — `Host`, `X-Date`, `X-Content-Sha256`, `Content-Type`, `Authorization` — for a request
    /// with exactly these query parameters and body bytes.
    public func sign(
        method: String, path: String = "/", query: [(String, String)], host: String,
        contentType: String = "application/json", body: [UInt8], date: Date
    ) -> [(String, String)] {
        let xDate = Self.xDate(date)
        let shortDate = String(xDate.prefix(8))
        let bodyHash = Self.hex(SHA256.hash(data: body))
        let encoded: [(String, String)] = query.map { pair in (Self.encode(pair.0), Self.encode(pair.1)) }
        let sortedPairs = encoded.sorted { (a: (String, String), b: (String, String)) -> Bool in
            a.0 == b.0 ? a.1 < b.1 : a.0 < b.0
        }
        let canonicalQuery = sortedPairs.map { pair in pair.0 + "=" + pair.1 }.joined(separator: "&")
        let signedHeaders = "content-type;host;x-content-sha256;x-date"
        let canonicalHeaders = [
            "content-type:\(contentType)", "host:\(host)", "x-content-sha256:\(bodyHash)", "x-date:\(xDate)",
        ].joined(separator: "\n")
        let canonicalRequest = [method, path, canonicalQuery, canonicalHeaders, "", signedHeaders, bodyHash]
            .joined(separator: "\n")
        let scope = "\(shortDate)/\(region)/\(service)/request"
        let stringToSign = ["HMAC-SHA256", xDate, scope, Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8)))]
            .joined(separator: "\n")
        var key = SymmetricKey(data: Data(secretKey.utf8))
        for part in [shortDate, region, service, "request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
        return [
            ("Host", host),
            ("X-Date", xDate),
            ("X-Content-Sha256", bodyHash),
            ("Content-Type", contentType),
            (
                "Authorization",
                "HMAC-SHA256 Credential=\(accessKey)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
            ),
        ]
    }

    /// RFC 3986 encoding leaving only `A-Z a-z 0-9 - _ . ~`.
    static func encode(_ text: String) -> String { text.urlQueryEscaped }

    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `YYYYMMDD'T'HHMMSS'Z'` in UTC.
    static func xDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2) + "T" + pad(c.hour, 2) + pad(c.minute, 2) + pad(c.second, 2)
            + "Z"
    }
}
