import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import ProviderSimulator

/// Starts a simulator for one test and stops it afterwards.
func withSimulator<T>(
    _ configure: (inout SimulatorConfiguration) -> Void = { _ in },
    _ body: (ProviderSimulator, HTTPClient) async throws -> T
) async throws -> T {
    var configuration = SimulatorConfiguration()
    configure(&configuration)
    let simulator = try await ProviderSimulator.start(configuration: configuration)
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        let value = try await body(simulator, client)
        try await client.shutdown()
        await simulator.shutdown()
        return value
    } catch {
        try? await client.shutdown()
        await simulator.shutdown()
        throw error
    }
}

struct Reply {
    let status: Int
    let headers: [(String, String)]
    let body: [UInt8]

    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]) ?? [:] }
    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
}

extension HTTPClient {
    func call(
        _ method: NIOHTTP1.HTTPMethod, _ url: String, headers: [(String, String)] = [], json: Any? = nil, body: [UInt8]? = nil,
        timeout: TimeAmount = .seconds(10)
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        } else if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await execute(request, timeout: timeout)
        let collected = try await response.body.collect(upTo: 50 << 20)
        return Reply(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: Array(buffer: collected))
    }
}

import NIOHTTP1

/// A hand-made HS256 JWT, independent of the Providers module.
func testJWT(iss: String, secret: String, exp: Int, nbf: Int, alg: String = "HS256") -> String {
    func b64(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
    let header = b64(Data(#"{"alg":"\#(alg)","typ":"JWT"}"#.utf8))
    let payload = b64(Data(#"{"iss":"\#(iss)","exp":\#(exp),"nbf":\#(nbf)}"#.utf8))
    let mac = HMAC<SHA256>.authenticationCode(for: Data("\(header).\(payload)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
    return "\(header).\(payload).\(b64(Data(mac)))"
}

func waitUntil(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
