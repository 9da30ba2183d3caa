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
        self.init(parts: parts.map { ($0.key, $0.value) })
    }

    /// Hashes `parts` in order.
    public init(parts: [(name: String, value: String)]) {
        var hasher = SHA256()
        for (name, value) in parts {
            Self.append(name, to: &hasher)
            Self.append(value, to: &hasher)
        }
        value = Self.hexadecimal(hasher.finalize())
    }

    /// Feeds `text` to `hasher` as its UTF-8 length in decimal, a colon, and its UTF-8 bytes.
    private static func append(_ text: String, to hasher: inout SHA256) {
        var text = text
        text.withUTF8 { bytes in
            hasher.update(data: Array("\(bytes.count):".utf8))
            hasher.update(bufferPointer: UnsafeRawBufferPointer(bytes))
        }
    }

    /// The digest as lowercase hexadecimal digits.
    private static func hexadecimal(_ digest: SHA256.Digest) -> String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: SHA256.Digest.byteCount * 2) { output in
            var index = 0
            for byte in digest {
                output[index] = digits.utf8Start[Int(byte >> 4)]
                output[index + 1] = digits.utf8Start[Int(byte & 0x0f)]
                index += 2
            }
            return index
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

    /// The reference of an image AssetForge generated itself: its asset id.
    public static func asset(_ assetID: String) -> String { "asset:\(assetID)" }
}
