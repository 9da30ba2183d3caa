import Crypto
import Foundation
import Synchronization

/// Kling's bearer token: a JWT signed with HS256, `iss` = access key, `exp` = now + lifetime,
/// `nbf` = now − 5 s (clock-skew allowance).
public enum KlingJWT {
    /// A token for `accessKey` signed with `secretKey`, issued at `now` (Unix seconds).
    ///
    /// The JSON is written byte for byte as `{"alg":"HS256","typ":"JWT"}` and `{"iss":…,"exp":…,"nbf":…}`.
    public static func make(accessKey: String, secretKey: String, now: Int, lifetimeSeconds: Int = 1800) -> String {
        let header = #"{"alg":"HS256","typ":"JWT"}"#
        let payload = #"{"iss":"\#(jsonEscaped(accessKey))","exp":\#(now + lifetimeSeconds),"nbf":\#(now - 5)}"#
        let signingInput = base64URL(Array(header.utf8)) + "." + base64URL(Array(payload.utf8))
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data(signingInput.utf8), using: SymmetricKey(data: Data(secretKey.utf8)))
        return signingInput + "." + base64URL(Array(mac))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func jsonEscaped(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case _ where scalar.value < 0x20: escaped += String(format: "\\u%04x", scalar.value)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}

/// Caches one Kling token and makes a new one before the cached one gets within ``refreshMargin`` of expiry.
final class KlingTokenCache: Sendable {
    private struct Token {
        let value: String
        let expires: Int
    }

    private let accessKey: String
    private let secretKey: String
    private let lifetime: Int
    private let refreshMargin: Int
    private let now: @Sendable () -> Int
    private let cached = Mutex<Token?>(nil)

    init(accessKey: String, secretKey: String, lifetime: Int, refreshMargin: Int, now: @escaping @Sendable () -> Int) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.lifetime = lifetime
        self.refreshMargin = min(refreshMargin, max(0, lifetime - 1))
        self.now = now
    }

    func token() -> String {
        let current = now()
        return cached.withLock { cached in
            if let token = cached, token.expires - refreshMargin > current { return token.value }
            let token = Token(
                value: KlingJWT.make(accessKey: accessKey, secretKey: secretKey, now: current, lifetimeSeconds: lifetime),
                expires: current + lifetime)
            cached = token
            return token.value
        }
    }

    /// Drops the cached token (after the vendor refused it).
    func invalidate() { cached.withLock { $0 = nil } }
}
