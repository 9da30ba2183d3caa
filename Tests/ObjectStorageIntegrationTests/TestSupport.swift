import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// Helpers shared by the integration suites.
enum TestSupport {
    /// The package root (two folders above this file's folder).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `.venv/bin/NAME`, or a failure explaining how to create the venv.
    static func venvTool(_ name: String) throws -> String {
        let path = packageRoot.appendingPathComponent(".venv/bin/\(name)").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw SetupError("\(path) is missing; run `bash deploy/setup.sh` to create the venv with moto, rclone and botocore")
        }
        return path
    }

    struct SetupError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static let logger: Logger = {
        var logger = Logger(label: "assetforge.tests.storage")
        logger.logLevel =
            ProcessInfo.processInfo.environment["ASSETFORGE_TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) }
            ?? .warning
        return logger
    }()

    /// A port that was free a moment ago on 127.0.0.1.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SetupError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw SetupError("bind() failed") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs a Hummingbird application on a free port for the duration of `body`.
    static func withServer<Result: Sendable>(
        _ makeApplication: (@escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol,
        _ body: (Int) async throws -> Result
    ) async throws -> Result {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = makeApplication { port in continuation.yield(port) }
        let services = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw SetupError("the server did not start") }
            do {
                let result = try await body(port)
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
                return result
            } catch {
                await services.triggerGracefulShutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }

    /// Deterministic pseudo-random bytes (fast xorshift), starting with `header`.
    static func payload(size: Int, header: [UInt8] = [], seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(size)
        buffer.writeBytes(header.prefix(size))
        var state = seed
        var remaining = size - buffer.readableBytes
        while remaining > 0 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            if remaining >= 8 {
                buffer.writeInteger(state)
                remaining -= 8
            } else {
                buffer.writeInteger(UInt8(truncatingIfNeeded: state))
                remaining -= 1
            }
        }
        return buffer
    }

    /// A PNG signature followed by an IHDR-looking chunk header.
    static let pngHeader: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
    ]
    /// An MP4 `ftyp` box.
    static let mp4Header: [UInt8] = [0, 0, 0, 0x18] + Array("ftypisom".utf8) + [0, 0, 2, 0] + Array("isommp41".utf8)

    /// A body as an async sequence of chunks of `chunkSize` bytes.
    static func chunks(_ buffer: ByteBuffer, chunkSize: Int = 64 << 10) -> AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            var copy = buffer
            while copy.readableBytes > 0 {
                continuation.yield(copy.readSlice(length: min(chunkSize, copy.readableBytes))!)
            }
            continuation.finish()
        }
    }

    static let assetID = String(repeating: "0123456789abcdef", count: 4)
}

/// A server started from the venv on a free port, stopped by ``stop()``; a `timeout`
/// wrapper ends it even if the test process dies first.
final class ChildProcess: @unchecked Sendable {
    // @unchecked: `process` is set once in init and only read afterwards.
    let process: Process
    let port: Int

    init(executable: String, arguments: [String], port: Int, lifetimeSeconds: Int = 900) throws {
        self.port = port
        process = Process()
        // The test process blocks most signals and children inherit that mask, so SIGTERM would never
        // arrive: a Python one-liner clears the mask, then execs `timeout`, which bounds the lifetime
        // even if the tests die before calling stop().
        process.executableURL = URL(fileURLWithPath: try TestSupport.venvTool("python"))
        process.arguments =
            [
                "-c",
                "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])",
                "/usr/bin/timeout", "--signal=KILL", String(lifetimeSeconds), executable,
            ] + arguments
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("assetforge-child-\(port).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

/// Starts `moto_server` on a free loopback port for the duration of `body`.
func withMotoServer<Result: Sendable>(_ body: (URL) async throws -> Result) async throws -> Result {
    try await withLoopbackServer(
        tool: "moto_server", arguments: { ["-H", "127.0.0.1", "-p", String($0)] }, readinessPath: "/moto-api/", body)
}

/// Starts `rclone serve s3` on a free loopback port for the duration of `body`: a second S3-compatible server, in
/// Go, which (unlike moto) checks each request's signature against its one key pair. Buckets are folders under a
/// temporary directory.
func withRcloneS3Server<Result: Sendable>(
    accessKey: String, secretKey: String, _ body: (URL) async throws -> Result
) async throws -> Result {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("assetforge-rclone-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try await withLoopbackServer(
        tool: "rclone",
        arguments: {
            [
                "serve", "s3", "--addr", "127.0.0.1:\($0)", "--auth-key", "\(accessKey),\(secretKey)", "--config",
                "/dev/null", "--log-level", "ERROR", folder.path,
            ]
        }, readinessPath: "/", body)
}

/// Starts a venv tool as a server on a free loopback port (three tries, in case another process takes the port
/// first) and runs `body` once `readinessPath` answers anything.
private func withLoopbackServer<Result: Sendable>(
    tool name: String, arguments: (Int) -> [String], readinessPath: String, _ body: (URL) async throws -> Result
) async throws -> Result {
    let tool = try TestSupport.venvTool(name)
    var lastError: (any Error)?
    for _ in 0..<3 {
        let port = try TestSupport.freePort()
        let child = try ChildProcess(executable: tool, arguments: arguments(port), port: port)
        defer { child.stop() }
        let endpoint = URL(string: "http://127.0.0.1:\(port)")!
        var ready = false
        for _ in 0..<150 where child.process.isRunning {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(readinessPath)")
            request.method = .GET
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)) {
                _ = try? await response.body.collect(upTo: 1 << 20)
                ready = true
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        guard ready else {
            lastError = TestSupport.SetupError("\(name) did not answer on port \(port)")
            continue
        }
        return try await body(endpoint)
    }
    throw lastError ?? TestSupport.SetupError("\(name) could not be started")
}
