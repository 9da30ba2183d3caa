import Foundation
import HTTPTypes

/// A response the simulator builds before it becomes a Hummingbird `Response`.
struct Answer: Sendable {
    var status: Int
    var body: [UInt8]
    var contentType = "application/json"
    var headers: [(String, String)] = []

    static func json(_ status: Int, _ object: Any, headers: [(String, String)] = []) -> Answer {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Answer(status: status, body: [UInt8](data), headers: headers)
    }

    static func bytes(_ status: Int, _ body: [UInt8], contentType: String) -> Answer {
        Answer(status: status, body: body, contentType: contentType)
    }

    var isSuccess: Bool { (200..<300).contains(status) }
}

/// One vendor API request, with its body read.
struct APIRequest: Sendable {
    let method: HTTPRequest.Method
    let path: String
    /// Decoded query parameters (last value wins).
    let query: [String: String]
    /// Query pairs as received, decoded, in order.
    let queryPairs: [(String, String)]
    let headers: HTTPFields
    let authority: String
    let body: [UInt8]

    var idempotencyKey: String? { headers[HTTPField.Name("X-AssetForge-Idempotency-Key")!] }

    func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }

    /// The body as a JSON object, or `nil`.
    var jsonObject: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    static func parseQuery(_ query: String?) -> [(String, String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(parts[0])
            let value =
                parts.count > 1
                ? (String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(parts[1])) : ""
            return (key, value)
        }
    }
}

/// Small helpers for reading loosely typed JSON.
extension Dictionary where Key == String, Value == Any {
    func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    func string(_ key: String) -> String? { self[key] as? String }
    func int(_ key: String) -> Int? {
        if let number = self[key] as? NSNumber, !(self[key] is Bool) { return number.intValue }
        return nil
    }
    func bool(_ key: String) -> Bool? { self[key] as? Bool }
}

func requestID() -> String { UUID().uuidString.lowercased() }

func stableHash(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01B3
    }
    return hash
}
