import AssetForgeConfiguration
import AssetImaging
import Foundation

/// Wanx on DashScope: scene images by background generation (from a cut-out), and text-to-image.
public struct WanxBackend: ProviderBackend {
    /// The client.
    public let client: WanxClient
    let preparer: any ImagePreparer
    let host: any InputImageHost
    let loader: ImageLoader

    public var provider: GenerationProvider { .wanx }

    /// A backend. `host` decides how the cut-out reaches the vendor (default: a `data:` URI).
    public init(client: WanxClient, preparer: any ImagePreparer, host: any InputImageHost = DataURIImageHost()) {
        self.client = client
        self.preparer = preparer
        self.host = host
        self.loader = ImageLoader(http: client.http)
    }

    public func supports(_ kind: CommandKind) -> Bool { kind == .sceneImage || kind == .textToImage }

    public func describe(_ command: GenerationCommand) -> (model: String, variant: String?, durationSeconds: Int?, imageCount: Int) {
        switch command {
        case .sceneImage(let scene): (client.configuration.backgroundModel, nil, nil, scene.count)
        case .textToImage(let text): (client.configuration.textToImageModel, nil, nil, text.count)
        default: ("", nil, nil, 0)
        }
    }

    public func prepare(_ command: GenerationCommand, assetID: String) async throws -> PreparedSubmission {
        guard case .sceneImage(let scene) = command else { return PreparedSubmission(command: command) }
        let photo = try await loader.bytes(scene.productImage)
        let cutOut = try await preparer.cutOut(photo, for: .wanx)
        let reference = try await host.reference(for: cutOut, assetID: assetID)
        return PreparedSubmission(command: command, image: cutOut, imageReference: reference)
    }

    public func submit(_ submission: PreparedSubmission, assetID: String, isRetry: Bool) async throws -> SubmitOutcome {
        switch submission.command {
        case .sceneImage(let scene):
            guard let reference = submission.imageReference else {
                throw ProviderError(.inputPreparationFailed, provider: .wanx, message: "no prepared product image")
            }
            return .task(
                id: try await client.submitBackground(
                    baseImageURL: reference, prompt: scene.prompt, negativePrompt: scene.negativePrompt, count: scene.count,
                    idempotencyKey: assetID))
        case .textToImage(let text):
            return .task(
                id: try await client.submitTextToImage(
                    prompt: text.prompt, negativePrompt: text.negativePrompt, width: text.width, height: text.height,
                    count: text.count, idempotencyKey: assetID))
        default:
            throw ProviderError(.unsupportedCommand, provider: .wanx, message: "Wanx does not do \(submission.command.kind)")
        }
    }

    public func poll(_ task: SubmittedTask) async throws -> TaskSnapshot {
        try await client.poll(taskID: task.taskID, model: task.model, idempotencyKey: task.assetID)
    }
}

/// Jimeng on Volcengine: the backup for scene images (cut-out as reference image) and text-to-image.
public struct JimengBackend: ProviderBackend {
    /// The client.
    public let client: JimengClient
    let preparer: any ImagePreparer
    let loader: ImageLoader

    public var provider: GenerationProvider { .jimeng }

    /// A backend.
    public init(client: JimengClient, preparer: any ImagePreparer) {
        self.client = client
        self.preparer = preparer
        self.loader = ImageLoader(http: client.http)
    }

    public func supports(_ kind: CommandKind) -> Bool { kind == .sceneImage || kind == .textToImage }

    public func describe(_ command: GenerationCommand) -> (model: String, variant: String?, durationSeconds: Int?, imageCount: Int) {
        switch command {
        case .sceneImage: (client.model(withReferenceImages: true), nil, nil, 1)
        case .textToImage: (client.model(withReferenceImages: false), nil, nil, 1)
        default: ("", nil, nil, 0)
        }
    }

    public func prepare(_ command: GenerationCommand, assetID: String) async throws -> PreparedSubmission {
        guard case .sceneImage(let scene) = command else { return PreparedSubmission(command: command) }
        let photo = try await loader.bytes(scene.productImage)
        return PreparedSubmission(command: command, image: try await preparer.cutOut(photo, for: .jimeng))
    }

    public func submit(_ submission: PreparedSubmission, assetID: String, isRetry: Bool) async throws -> SubmitOutcome {
        switch submission.command {
        case .sceneImage(let scene):
            guard let image = submission.image else {
                throw ProviderError(.inputPreparationFailed, provider: .jimeng, message: "no prepared product image")
            }
            let prompt = "Keep the product from the reference image unchanged; place it in this scene: \(scene.prompt)"
            return .task(
                id: try await client.submit(
                    prompt: String(prompt.prefix(800)), width: scene.width, height: scene.height, referenceImages: [image.png],
                    idempotencyKey: assetID))
        case .textToImage(let text):
            return .task(
                id: try await client.submit(
                    prompt: text.prompt, width: text.width, height: text.height, idempotencyKey: assetID))
        default:
            throw ProviderError(.unsupportedCommand, provider: .jimeng, message: "Jimeng does not do \(submission.command.kind)")
        }
    }

    public func poll(_ task: SubmittedTask) async throws -> TaskSnapshot {
        try await client.poll(taskID: task.taskID, model: task.model, idempotencyKey: task.assetID)
    }
}
