import Crypto
import Foundation

/// The idempotency key of a command: SHA-256 over what determines its output, as 64 lowercase hexadecimal digits.
///
/// The parts are named and length-prefixed before hashing, so no two different part lists hash the same text.
/// What goes in (see ``Planner``): recipe version, kind, variant or locale, SKU, the normalized source image
/// reference, prompt template version, generation parameters and the revision. What stays out: the provider chosen
/// at run time and the event id (the same product re-emitted with a new event id is the same work).
public struct IdempotencyKey: Sendable, Hashable, CustomStringConvertible {
    /// The key, 64 lowercase hexadecimal digits.
    public let value: String

    /// Hashes `parts` in order.
    public init(_ parts: KeyValuePairs<String, String>) {
        var preimage = Preimage()
        for (name, value) in parts { preimage.append(name, value) }
        self = preimage.key
    }

    /// Hashes `parts` in order.
    public init(parts: [(name: String, value: String)]) {
        var preimage = Preimage()
        for (name, value) in parts { preimage.append(name, value) }
        self = preimage.key
    }

    private init(digest: SHA256.Digest) {
        value = Self.hexadecimal(digest)
    }

    /// The text a key hashes, built part by part: each name and value as its UTF-8 length in decimal, a colon and
    /// its UTF-8 bytes. Appending an integer gives the same text as appending its decimal description.
    struct Preimage {
        private var bytes: [UInt8] = []

        init() {
            bytes.reserveCapacity(512)
        }

        /// Appends a part.
        mutating func append(_ name: String, _ value: String) {
            field(name.utf8)
            field(value.utf8)
        }

        /// Appends a part whose value is an integer, as its decimal digits.
        mutating func append(_ name: String, _ value: Int) {
            field(name.utf8)
            let digits = Self.decimalDigitCount(value.magnitude)
            field(count: digits + (value < 0 ? 1 : 0))
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            appendDecimal(value.magnitude, digits: digits)
        }

        /// The key of the text so far.
        var key: IdempotencyKey { IdempotencyKey(digest: SHA256.hash(data: bytes)) }

        private mutating func field(_ utf8: String.UTF8View) {
            field(count: utf8.count)
            // Native strings are contiguous: one copy instead of a byte-by-byte append.
            let appended: Void? = utf8.withContiguousStorageIfAvailable { bytes.append(contentsOf: $0) }
            if appended == nil { bytes.append(contentsOf: utf8) }
        }

        /// Appends a field's length prefix: `count` in decimal and a colon.
        private mutating func field(count: Int) {
            appendDecimal(UInt(count), digits: Self.decimalDigitCount(UInt(count)))
            bytes.append(UInt8(ascii: ":"))
        }

        /// Appends `number`'s `digits` decimal digits, most significant first.
        private mutating func appendDecimal(_ number: UInt, digits: Int) {
            var divisor: UInt = 1
            for _ in 1..<digits { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8((number / divisor) % 10))
                divisor /= 10
            }
        }

        private static func decimalDigitCount(_ number: UInt) -> Int {
            var count = 1
            var rest = number / 10
            while rest > 0 {
                count += 1
                rest /= 10
            }
            return count
        }
    }

    /// The digest as lowercase hexadecimal digits.
    private static func hexadecimal(_ digest: SHA256.Digest) -> String {
        let digits: StaticString = "0123456789abcdef"
        return digest.withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: bytes.count * 2) { output in
                var index = 0
                for byte in bytes {
                    output[index] = digits.utf8Start[Int(byte >> 4)]
                    output[index + 1] = digits.utf8Start[Int(byte & 0x0f)]
                    index += 2
                }
                return index
            }
        }
    }

    public var description: String { value }
}

/// The stable reference of a source image: its URL without the query parameters that only sign or expire it.
///
/// Presigned OSS and S3 URLs of the same object differ in `Expires`, `Signature`, `OSSAccessKeyId`,
/// `security-token`, `x-oss-*` and `X-Amz-*` from one event to the next; they name the same image, so they must give
/// the same key. Other query parameters (an image service's `w=`, say) change the image and are kept, in order.
public enum SourceImageReference {
    /// Signing parameters matched case-insensitively by name.
    static let signingNames: Set<String> = ["expires", "signature", "ossaccesskeyid", "security-token"]
    /// Signing parameters matched case-insensitively by prefix.
    static let signingPrefixes = ["x-oss-", "x-amz-"]

    /// `url` without signing parameters and fragment; scheme and host lowercased.
    public static func normalize(_ url: String) -> String {
        // The common case, a plain lowercase http(s) URL without query or fragment, is already normalized: parsing
        // it costs more than the rest of a replayed event's keys.
        isPlainLowercaseURL(url) ? url : normalizedByComponents(url)
    }

    /// ``normalize(_:)`` by URLComponents, for every URL.
    static func normalizedByComponents(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.fragment = nil
        components.scheme = components.scheme?.lowercased()
        components.host = components.host?.lowercased()
        if let items = components.percentEncodedQueryItems {
            let kept = items.filter { item in
                let name = item.name.lowercased()
                return !signingNames.contains(name) && !signingPrefixes.contains { name.hasPrefix($0) }
            }
            components.percentEncodedQueryItems = kept.isEmpty ? nil : kept
        }
        return components.string ?? url
    }

    /// Whether `url` is `http://` or `https://`, a host of lowercase letters, digits, dots and hyphens, an optional
    /// port, and a path of unreserved characters, `/` and `%`-escapes only: no query, no fragment, nothing that
    /// URLComponents would re-encode or that ``normalize(_:)`` would change.
    static func isPlainLowercaseURL(_ url: String) -> Bool {
        var url = url
        return url.withUTF8 { isPlainLowercaseURL(bytes: $0) }
    }

    private static func isPlainLowercaseURL(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index: Int
        if bytes.starts(with: "https://".utf8) {
            index = 8
        } else if bytes.starts(with: "http://".utf8) {
            index = 7
        } else {
            return false
        }
        let hostStart = index
        while index < bytes.count, bytes[index] != UInt8(ascii: ":"), bytes[index] != UInt8(ascii: "/") {
            guard isLowercaseHostByte(bytes[index]) else { return false }
            index += 1
        }
        guard index > hostStart else { return false }
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            index += 1
            let portStart = index
            var port = 0
            while index < bytes.count, bytes[index] != UInt8(ascii: "/") {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39, index - portStart < 5 else { return false }
                port = port * 10 + Int(byte - 0x30)
                index += 1
            }
            // Digits without a leading zero, below 65536: written back exactly as given.
            guard index > portStart, bytes[portStart] != UInt8(ascii: "0"), port < 65536 else { return false }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                // An escape must be complete and in uppercase hexadecimal, as URLComponents writes it.
                guard index + 2 < bytes.count, isUppercaseHexByte(bytes[index + 1]),
                    isUppercaseHexByte(bytes[index + 2])
                else { return false }
                index += 3
                continue
            }
            guard isPathByte(byte) else { return false }
            index += 1
        }
        return true
    }

    private static func isLowercaseHostByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "-")
    }

    private static func isUppercaseHexByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46)
    }

    /// Unreserved characters (RFC 3986) and `/`.
    private static func isPathByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "~") || byte == UInt8(ascii: "/")
    }

    /// The reference of an image AssetForge generated itself: its asset id.
    public static func asset(_ assetID: String) -> String { "asset:\(assetID)" }
}
