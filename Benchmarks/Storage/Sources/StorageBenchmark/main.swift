// Streams a large provider-like result from a local HTTP server into the S3 backend (an S3-compatible server on
// loopback: `rclone serve s3` or moto) and compares wall time and peak memory with curl doing the same two legs
// (download, then `curl --aws-sigv4` upload to the same server). Everything runs on 127.0.0.1 and stops by itself.
//
// Usage (from the repository root, after `bash deploy/setup.sh`):
//   swift run -c release --package-path Benchmarks/Storage storage-benchmark [--megabytes 200] [--runs 3]
//       [--server rclone|moto] [--part-mib N] [--threshold-mib N] [--concurrency N]
// Part size, single-PUT threshold and parts in flight default to the product's (`S3ObjectStore.Configuration()`),
// so the 200 MB result goes up as a multipart upload; `--threshold-mib 256` measures one streamed PUT instead.

import AssetForgeConfiguration
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ObjectStorage
import SafeFetch

#if canImport(Glibc)
    import Glibc
#endif

/// The S3-compatible server the transfers go to.
enum StoreServer: String {
    /// `rclone serve s3` over a local folder (Go; streams multipart uploads into the object).
    case rclone
    /// moto's server (Python; keeps parts in memory and joins them on completion).
    case moto
}

struct Options {
    var megabytes = 200
    var runs = 3
    var server = StoreServer.rclone
    var partMiB = S3ObjectStore.Configuration().upload.partSize >> 20
    var thresholdMiB = S3ObjectStore.Configuration().upload.singlePutThreshold >> 20
    var concurrency = S3ObjectStore.Configuration().upload.partConcurrency

    static func usage() -> Never {
        print(
            "usage: storage-benchmark [--megabytes N] [--runs N] [--server rclone|moto] [--part-mib N] "
                + "[--threshold-mib N] [--concurrency N]")
        exit(2)
    }

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            let text = iterator.next()
            let value = text.flatMap(Int.init)
            switch (argument, value) {
            case ("--megabytes", let v?): megabytes = v
            case ("--runs", let v?): runs = v
            case ("--part-mib", let v?): partMiB = v
            case ("--threshold-mib", let v?): thresholdMiB = v
            case ("--concurrency", let v?): concurrency = v
            case ("--server", _):
                guard let chosen = text.flatMap(StoreServer.init(rawValue:)) else { Self.usage() }
                server = chosen
            default: Self.usage()
            }
        }
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The repository root: this file is Benchmarks/Storage/Sources/StorageBenchmark/main.swift.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    guard bound == 0 else { throw BenchmarkError("bind failed") }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Starts a child under `timeout` so it cannot outlive the benchmark by long.
func startChild(_ executable: String, _ arguments: [String], log: URL) throws -> Process {
    let process = Process()
    // Children inherit this process's blocked-signal mask; clear it so SIGTERM reaches them.
    process.executableURL = URL(fileURLWithPath: venv.appendingPathComponent("python").path)
    process.arguments =
        [
            "-c",
            "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])",
            "/usr/bin/timeout", "--signal=KILL", "1800", executable,
        ] + arguments
    FileManager.default.createFile(atPath: log.path, contents: nil)
    let handle = try FileHandle(forWritingTo: log)
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    return process
}

func waitUntilAnswering(_ url: String) async throws {
    for _ in 0..<200 {
        if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(2)) {
            _ = try? await response.body.collect(upTo: 1 << 20)
            return
        }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw BenchmarkError("\(url) did not answer")
}

/// Runs a command and returns its wall time in seconds.
func timeCommand(_ executable: String, _ arguments: [String]) throws -> Double {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let start = ContinuousClock.now
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw BenchmarkError("\(executable) \(arguments.joined(separator: " ")) failed")
    }
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// A value from /proc/self/status in KiB (VmRSS, VmHWM).
func procStatus(_ field: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? -1
    }
    return -1
}

/// Resets VmHWM to the current RSS (Linux: write 5 to clear_refs).
func resetPeak() {
    let fd = open("/proc/self/clear_refs", O_WRONLY)
    guard fd >= 0 else { return }
    _ = "5".withCString { write(fd, $0, 1) }
    close(fd)
}

/// CPU seconds (user + system) used so far by a process and all its descendants that are still running.
func treeCPUSeconds(_ pid: pid_t) -> Double {
    var total = 0.0
    var pending = [pid]
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    while let next = pending.popLast() {
        if let stat = try? String(contentsOfFile: "/proc/\(next)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        {
            // Fields after the command name: state is field 3, utime 14, stime 15.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 12 { total += (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0) }
        }
        if let children = try? String(contentsOfFile: "/proc/\(next)/task/\(next)/children", encoding: .utf8) {
            pending += children.split(separator: " ").compactMap { pid_t($0) }
        }
    }
    return total / ticks
}

/// CPU seconds (user + system) used so far by this process.
func ownCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

let options = Options(CommandLine.arguments)
let logger = Logger(label: "assetforge.benchmark.storage")
let work = FileManager.default.temporaryDirectory.appendingPathComponent("assetforge-storage-bench-\(getpid())")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
let venv = repositoryRoot.appendingPathComponent(".venv/bin")
let serverExecutable = venv.appendingPathComponent(options.server == .rclone ? "rclone" : "moto_server")
guard FileManager.default.isExecutableFile(atPath: serverExecutable.path) else {
    print("\(serverExecutable.lastPathComponent) not found in \(venv.path); run `bash deploy/setup.sh` first")
    exit(1)
}

// The payload: an MP4-looking file of pseudo-random bytes.
let size = options.megabytes * 1_000_000
let payload = work.appendingPathComponent("result.mp4")
do {
    FileManager.default.createFile(atPath: payload.path, contents: nil)
    let handle = try FileHandle(forWritingTo: payload)
    var block = [UInt8](repeating: 0, count: 1 << 20)
    var state: UInt64 = 0x2545_F491_4F6C_DD1D
    for index in block.indices {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        block[index] = UInt8(truncatingIfNeeded: state)
    }
    let header: [UInt8] = [0, 0, 0, 0x18] + Array("ftypisom".utf8) + [0, 0, 2, 0] + Array("isommp41".utf8)
    var written = 0
    while written < size {
        var chunk = Array(block.prefix(min(block.count, size - written)))
        if written == 0 { chunk.replaceSubrange(0..<header.count, with: header) }
        chunk[chunk.count - 1] = UInt8(truncatingIfNeeded: written >> 20)
        try handle.write(contentsOf: chunk)
        written += chunk.count
    }
    try handle.close()
}

let sourcePort = try freePort()
let storePort = try freePort()
let accessKey = "AKIDBENCHMARK"
let secretKey = "benchmark-secret"
let source = try startChild(
    venv.appendingPathComponent("python").path,
    ["-m", "http.server", String(sourcePort), "--bind", "127.0.0.1", "--directory", work.path],
    log: work.appendingPathComponent("source.log"))
let storeFolder = work.appendingPathComponent("store")
let storeServer: Process
switch options.server {
case .rclone:
    // Signatures checked against the one key pair; buckets are folders under the work folder.
    try FileManager.default.createDirectory(at: storeFolder, withIntermediateDirectories: true)
    storeServer = try startChild(
        serverExecutable.path,
        [
            "serve", "s3", "--addr", "127.0.0.1:\(storePort)", "--auth-key", "\(accessKey),\(secretKey)",
            "--config", "/dev/null", "--log-level", "ERROR", storeFolder.path,
        ], log: work.appendingPathComponent("rclone.log"))
case .moto:
    storeServer = try startChild(
        serverExecutable.path, ["-H", "127.0.0.1", "-p", String(storePort)], log: work.appendingPathComponent("moto.log"))
}
/// Stops both servers and removes the work folder. Top-level `defer` does not run before `exit`, so
/// every way out of the program calls this.
func stopServers() {
    for process in [source, storeServer] where process.isRunning {
        process.terminate()
        process.waitUntilExit()
    }
    try? FileManager.default.removeItem(at: work)
}

do {
    let sourceURL = "http://127.0.0.1:\(sourcePort)/result.mp4"
    try await waitUntilAnswering("http://127.0.0.1:\(sourcePort)/")
    try await waitUntilAnswering("http://127.0.0.1:\(storePort)/")

    let credentials = ObjectStoreCredentials(accessKeyID: Secret(accessKey), secretAccessKey: Secret(secretKey))
    let endpoint = URL(string: "http://127.0.0.1:\(storePort)")!
    // Create the bucket with a signed PUT.
    do {
        var signing = SigningRequest(method: "PUT", headers: [("Host", "127.0.0.1:\(storePort)")])
        AWSV4Signer(credentials: credentials, region: "us-east-1").signHeaders(&signing, path: "/bench", date: Date())
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(storePort)/bench")
        request.method = .PUT
        for (name, value) in signing.headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw BenchmarkError("CreateBucket answered \(response.status)") }
    }

    var storeConfiguration = S3ObjectStore.Configuration()
    storeConfiguration.upload.partSize = options.partMiB << 20
    storeConfiguration.upload.singlePutThreshold = options.thresholdMiB << 20
    storeConfiguration.upload.partConcurrency = options.concurrency
    storeConfiguration.publicURLStyle = .direct
    let store = S3ObjectStore(
        bucket: ObjectStoreBucket(bucket: "bench", region: "us-east-1", endpoint: endpoint), credentials: credentials,
        configuration: storeConfiguration, logger: logger)
    var fetch = FetchConfiguration()
    fetch.allowlist = [.address(IPAddress("127.0.0.1")!)]
    fetch.maxBytes = Int64(size) * 2
    let transfer = AssetTransfer(store: store, fetcher: SafeFetcher(configuration: fetch, logger: logger))
    let assetID = String(repeating: "ab", count: 32)

    // Warm-up: a small transfer (connection pools, lazily initialised state), not measured.
    try "{\"warm\":true}".write(to: work.appendingPathComponent("warm.json"), atomically: true, encoding: .utf8)
    _ = try await transfer.copy(
        from: URL(string: "http://127.0.0.1:\(sourcePort)/warm.json")!, sku: "WARM", kind: "copy", assetId: assetID)

    let downloaded = work.appendingPathComponent("curl-download.bin")
    var swiftTimes: [Double] = []
    var curlDownloadTimes: [Double] = []
    var curlUploadTimes: [Double] = []
    var peakDeltas: [Int] = []
    for run in 1...options.runs {
        // AssetForge: one streamed transfer.
        let baseline = procStatus("VmRSS")
        resetPeak()
        let serverCPUBefore = treeCPUSeconds(storeServer.processIdentifier)
        let ownCPUBefore = ownCPUSeconds()
        let start = ContinuousClock.now
        let asset = try await transfer.copy(
            from: URL(string: sourceURL)!, sku: "BENCH", kind: "video", assetId: assetID)
        let elapsed = seconds(ContinuousClock.now - start)
        let peak = procStatus("VmHWM")
        let serverCPU = treeCPUSeconds(storeServer.processIdentifier) - serverCPUBefore
        let ownCPU = ownCPUSeconds() - ownCPUBefore
        guard asset.object.size == Int64(size), asset.object.multipart == (size > options.thresholdMiB << 20) else {
            throw BenchmarkError("unexpected upload result \(asset.object)")
        }
        swiftTimes.append(elapsed)
        peakDeltas.append(peak - baseline)

        // curl: the same two legs, one after the other.
        let download = try timeCommand("/usr/bin/curl", ["-sS", "-f", "-o", downloaded.path, sourceURL])
        let serverCPUBeforeCurl = treeCPUSeconds(storeServer.processIdentifier)
        let upload = try timeCommand(
            "/usr/bin/curl",
            [
                "-sS", "-f", "-o", "/dev/null", "--aws-sigv4", "aws:amz:us-east-1:s3", "--user",
                "\(accessKey):\(secretKey)",
                "-H", "Content-Type: video/mp4", "-T", downloaded.path,
                "http://127.0.0.1:\(storePort)/bench/curl/result.mp4",
            ])
        let serverCPUForCurl = treeCPUSeconds(storeServer.processIdentifier) - serverCPUBeforeCurl
        try? FileManager.default.removeItem(at: downloaded)
        curlDownloadTimes.append(download)
        curlUploadTimes.append(upload)
        print(
            String(
                format:
                    "run %d: AssetForge %.2f s (peak RSS +%.1f MiB; CPU %.2f s, the server's %.2f s) | "
                    + "curl download %.2f s + upload %.2f s = %.2f s (the server's CPU in the upload %.2f s)",
                run, elapsed, Double(peak - baseline) / 1024, ownCPU, serverCPU, download, upload, download + upload,
                serverCPUForCurl))
    }
    let megabytes = Double(size) / 1e6
    let swiftMedian = median(swiftTimes)
    let curlMedian = median(zip(curlDownloadTimes, curlUploadTimes).map { $0 + $1 })
    print("")
    print("| measure | AssetForge (stream to S3/\(options.server.rawValue)) | curl (download, then --aws-sigv4 upload) |")
    print("| --- | --- | --- |")
    print(
        String(
            format: "| median wall time, %.0f MB | %.2f s | %.2f s (%.2f + %.2f) |", megabytes, swiftMedian, curlMedian,
            median(curlDownloadTimes), median(curlUploadTimes)))
    print(String(format: "| throughput | %.1f MB/s | %.1f MB/s |", megabytes / swiftMedian, megabytes / curlMedian))
    print(String(format: "| AssetForge / curl throughput | %.0f %% | |", 100 * curlMedian / swiftMedian))
    print(String(format: "| peak RSS increase (max of runs) | %.1f MiB | |", Double(peakDeltas.max() ?? 0) / 1024))
    print(
        "settings: server \(options.server.rawValue), part \(options.partMiB) MiB, single-PUT threshold \(options.thresholdMiB) MiB, \(options.concurrency) parts in flight, \(options.runs) runs"
    )
    let passed = curlMedian / swiftMedian >= 0.7 && (peakDeltas.max() ?? .max) < 32 * 1024
    print(passed ? "PASS: >= 70 % of curl's throughput and < 32 MiB extra peak RSS" : "FAIL: below the targets")
    stopServers()
    if !passed { exit(1) }
} catch {
    print("benchmark failed: \(error)")
    stopServers()
    exit(1)
}
