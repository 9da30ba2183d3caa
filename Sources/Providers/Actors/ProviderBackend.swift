import AssetForgeConfiguration
import AssetImaging
import Foundation

/// A command after input preparation, ready to send.
public struct PreparedSubmission: Sendable {
    /// The original command.
    public var command: GenerationCommand
    /// The prepared image (cut-out or fitted frame), if the command has one.
    public var image: PreparedImage?
    /// Where the vendor can read ``image`` (a URL or `data:` URI), when it takes a reference.
    public var imageReference: String?

    /// A submission.
    public init(command: GenerationCommand, image: PreparedImage? = nil, imageReference: String? = nil) {
        self.command = command
        self.image = image
        self.imageReference = imageReference
    }
}

/// What a submission produced.
public enum SubmitOutcome: Sendable {
    /// An asynchronous task was created.
    case task(id: String)
    /// The provider answered at once (Qwen).
    case completed(id: String, output: ProviderOutput)
}

/// One provider's HTTP steps, as a ``ProviderWorker`` drives them: prepare, submit, poll, fetch.
///
/// Every method throws ``ProviderError``. Implementations are stateless and make exactly one vendor call
/// per step (retries belong to the worker).
public protocol ProviderBackend: Sendable {
    /// The provider.
    var provider: GenerationProvider { get }
    /// Whether it can run commands of `kind`.
    func supports(_ kind: CommandKind) -> Bool
    /// How the task will be described in ``SubmittedTask``: model, variant, video length, image count.
    func describe(_ command: GenerationCommand) -> (model: String, variant: String?, durationSeconds: Int?, imageCount: Int)
    /// Input preparation (download, cut-out, aspect-ratio fit, hosting), once per submission.
    func prepare(_ command: GenerationCommand, assetID: String) async throws -> PreparedSubmission
    /// One submit call. `isRetry` is true when an earlier attempt may have created the task.
    func submit(_ submission: PreparedSubmission, assetID: String, isRetry: Bool) async throws -> SubmitOutcome
    /// One poll.
    func poll(_ task: SubmittedTask) async throws -> TaskSnapshot
    /// The result of a task whose poll said succeeded (may make another call).
    func fetchResult(_ task: SubmittedTask, snapshot: TaskSnapshot) async throws -> ProviderOutput
    /// The task created for `assetID`, if the vendor can look it up by our id (Kling).
    func findTask(assetID: String) async throws -> String?
}

extension ProviderBackend {
    public func findTask(assetID: String) async throws -> String? { nil }

    public func fetchResult(_ task: SubmittedTask, snapshot: TaskSnapshot) async throws -> ProviderOutput {
        guard let output = snapshot.output else {
            throw ProviderError(.resultUnavailable, provider: provider, message: "the task succeeded without a result")
        }
        return output
    }
}

/// Gives the vendor a way to read a prepared input image.
///
/// [U] DashScope background generation documents URLs for `base_image_url`; whether it takes `data:` URIs is not
/// confirmed. The default sends a `data:` URI; production can pass an implementation that uploads to OSS and
/// returns a presigned URL.
public protocol InputImageHost: Sendable {
    /// A URL or `data:` URI for `image`.
    func reference(for image: PreparedImage, assetID: String) async throws -> String
}

/// ``InputImageHost`` that inlines the PNG as a `data:image/png;base64,…` URI.
public struct DataURIImageHost: InputImageHost {
    /// The host.
    public init() {}

    public func reference(for image: PreparedImage, assetID: String) async throws -> String {
        "data:image/png;base64," + Data(image.png).base64EncodedString()
    }
}

/// Reads an ``ImageSource``'s bytes (downloading URLs, bounded).
///
/// A download that fails in a way that may pass (a pooled connection the server had closed, a timeout, a 5xx or a
/// 429) is tried again twice, 250 ms and 1 s later, before the input counts as unreachable.
struct ImageLoader: Sendable {
    let http: VendorHTTP

    /// Waits before the second and third download attempts.
    static let retryDelays: [Duration] = [.milliseconds(250), .seconds(1)]

    func bytes(_ source: ImageSource) async throws(ProviderError) -> [UInt8] {
        switch source {
        case .bytes(let bytes): return bytes
        case .url(let url):
            var attempt = 0
            while true {
                let failure: ProviderError
                do {
                    return try await http.download(url)
                } catch {
                    failure = error
                }
                guard failure.isRetryable, attempt < Self.retryDelays.count, !Task.isCancelled else {
                    throw ProviderError(
                        .inputPreparationFailed, provider: http.provider,
                        message: "cannot download input \(url): \(failure.message)")
                }
                do {
                    try await Task.sleep(for: Self.retryDelays[attempt])
                } catch {
                    throw ProviderError(.cancelled, provider: http.provider, message: "cancelled while downloading \(url)")
                }
                attempt += 1
            }
        }
    }
}

extension ImagePreparationError {
    func providerError(_ provider: GenerationProvider) -> ProviderError {
        ProviderError(.inputPreparationFailed, provider: provider, message: description)
    }
}
