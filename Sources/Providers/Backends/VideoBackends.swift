import AssetForgeConfiguration
import AssetImaging
import Foundation

/// Kling image-to-video. The frame is cropped or padded to the requested aspect ratio (Kling takes the ratio from
/// the image); `external_task_id` is the asset id, so a task whose submit answer was lost can be found again.
public struct KlingBackend: ProviderBackend {
    /// The client.
    public let client: KlingClient
    let preparer: any ImagePreparer
    let loader: ImageLoader
    /// Kling refuses images under 300 px.
    static let minimumShortSide = 300

    public var provider: GenerationProvider { .kling }

    /// A backend.
    public init(client: KlingClient, preparer: any ImagePreparer) {
        self.client = client
        self.preparer = preparer
        self.loader = ImageLoader(http: client.http)
    }

    public func supports(_ kind: CommandKind) -> Bool { kind == .video }

    /// Kling makes 5 or 10 s.
    static func duration(for requested: Int) -> Int { requested > 7 ? 10 : 5 }

    public func describe(_ command: GenerationCommand) -> (model: String, variant: String?, durationSeconds: Int?, imageCount: Int) {
        guard case .video(let video) = command else { return ("", nil, nil, 0) }
        return (client.configuration.model, video.mode.rawValue, Self.duration(for: video.durationSeconds), 0)
    }

    public func prepare(_ command: GenerationCommand, assetID: String) async throws -> PreparedSubmission {
        guard case .video(let video) = command else {
            throw ProviderError(.unsupportedCommand, provider: .kling, message: "Kling does \(CommandKind.video) only")
        }
        let bytes = try await loader.bytes(video.image)
        let frame = try await preparer.fit(
            bytes, aspectWidth: video.aspectRatio.width, aspectHeight: video.aspectRatio.height, mode: video.fit,
            minimumShortSide: Self.minimumShortSide, for: .kling)
        return PreparedSubmission(command: command, image: frame, imageReference: Data(frame.png).base64EncodedString())
    }

    public func submit(_ submission: PreparedSubmission, assetID: String, isRetry: Bool) async throws -> SubmitOutcome {
        guard case .video(let video) = submission.command, let image = submission.imageReference else {
            throw ProviderError(.inputPreparationFailed, provider: .kling, message: "no prepared frame")
        }
        if isRetry, let existing = await existingTask(assetID: assetID) {
            // An earlier attempt created the task; its answer was lost.
            return .task(id: existing)
        }
        let result: Result<String, ProviderError>
        do {
            result = .success(
                try await client.submit(
                    imageBase64: image, prompt: video.prompt, negativePrompt: video.negativePrompt,
                    durationSeconds: Self.duration(for: video.durationSeconds), mode: video.mode, externalTaskID: assetID,
                    idempotencyKey: assetID))
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success(let id):
            return .task(id: id)
        case .failure(let error):
            // The asset already has a task at Kling: adopt it instead of paying twice.
            if error.code == .providerRejectedInput, error.message.contains("external_task_id"),
                let existing = await existingTask(assetID: assetID)
            {
                return .task(id: existing)
            }
            throw error
        }
    }

    private func existingTask(assetID: String) async -> String? {
        do {
            return try await client.find(externalTaskID: assetID, idempotencyKey: assetID)?.taskID
        } catch {
            return nil
        }
    }

    public func poll(_ task: SubmittedTask) async throws -> TaskSnapshot {
        var snapshot = try await client.poll(taskID: task.taskID, idempotencyKey: task.assetID)
        snapshot.output?.variant = task.variant
        return snapshot
    }

    public func findTask(assetID: String) async throws -> String? {
        try await client.find(externalTaskID: assetID, idempotencyKey: assetID)?.taskID
    }
}

/// MiniMax Hailuo: the backup for videos. It makes 6 or 10 s; the result reports the real length.
public struct HailuoBackend: ProviderBackend {
    /// The client.
    public let client: HailuoClient
    let preparer: any ImagePreparer
    let loader: ImageLoader

    public var provider: GenerationProvider { .hailuo }

    /// A backend.
    public init(client: HailuoClient, preparer: any ImagePreparer) {
        self.client = client
        self.preparer = preparer
        self.loader = ImageLoader(http: client.http)
    }

    public func supports(_ kind: CommandKind) -> Bool { kind == .video }

    public func describe(_ command: GenerationCommand) -> (model: String, variant: String?, durationSeconds: Int?, imageCount: Int) {
        guard case .video(let video) = command else { return ("", nil, nil, 0) }
        return (
            client.configuration.model, client.configuration.resolution,
            client.offeredDuration(forRequested: video.durationSeconds), 0
        )
    }

    public func prepare(_ command: GenerationCommand, assetID: String) async throws -> PreparedSubmission {
        guard case .video(let video) = command else {
            throw ProviderError(.unsupportedCommand, provider: .hailuo, message: "Hailuo does \(CommandKind.video) only")
        }
        let bytes = try await loader.bytes(video.image)
        let frame = try await preparer.fit(
            bytes, aspectWidth: video.aspectRatio.width, aspectHeight: video.aspectRatio.height, mode: video.fit,
            minimumShortSide: 300, for: .hailuo)
        return PreparedSubmission(
            command: command, image: frame, imageReference: "data:image/png;base64," + Data(frame.png).base64EncodedString())
    }

    public func submit(_ submission: PreparedSubmission, assetID: String, isRetry: Bool) async throws -> SubmitOutcome {
        guard case .video(let video) = submission.command, let image = submission.imageReference else {
            throw ProviderError(.inputPreparationFailed, provider: .hailuo, message: "no prepared frame")
        }
        return .task(
            id: try await client.submit(
                firstFrameImage: image, prompt: video.prompt,
                durationSeconds: client.offeredDuration(forRequested: video.durationSeconds), idempotencyKey: assetID))
    }

    public func poll(_ task: SubmittedTask) async throws -> TaskSnapshot {
        try await client.poll(taskID: task.taskID, idempotencyKey: task.assetID)
    }

    public func fetchResult(_ task: SubmittedTask, snapshot: TaskSnapshot) async throws -> ProviderOutput {
        guard let fileID = snapshot.resultHandle else {
            throw ProviderError(.resultUnavailable, provider: .hailuo, message: "Success without a file id")
        }
        let file = try await client.retrieveFile(fileID: fileID, idempotencyKey: task.assetID)
        let seconds = Double(task.durationSeconds ?? 6)
        return ProviderOutput(
            urls: [file.url], model: task.model, durationSeconds: seconds, usage: ProviderUsage(videoSeconds: seconds),
            variant: task.variant)
    }
}

/// Qwen SEO copy: synchronous, so ``submit(_:assetID:isRetry:)`` returns the finished output.
public struct QwenBackend: ProviderBackend {
    /// The client.
    public let client: QwenClient

    public var provider: GenerationProvider { .qwen }

    /// A backend.
    public init(client: QwenClient) { self.client = client }

    public func supports(_ kind: CommandKind) -> Bool { kind == .copy }

    public func describe(_ command: GenerationCommand) -> (model: String, variant: String?, durationSeconds: Int?, imageCount: Int) {
        (client.configuration.model, nil, nil, 0)
    }

    public func prepare(_ command: GenerationCommand, assetID: String) async throws -> PreparedSubmission {
        PreparedSubmission(command: command)
    }

    public func submit(_ submission: PreparedSubmission, assetID: String, isRetry: Bool) async throws -> SubmitOutcome {
        guard case .copy(let command) = submission.command else {
            throw ProviderError(.unsupportedCommand, provider: .qwen, message: "Qwen does \(CommandKind.copy) only")
        }
        let (copy, usage, model) = try await client.generateCopy(command, idempotencyKey: assetID)
        return .completed(
            id: "qwen-\(UUID().uuidString.lowercased())", output: ProviderOutput(copy: copy, model: model, usage: usage))
    }

    public func poll(_ task: SubmittedTask) async throws -> TaskSnapshot {
        throw ProviderError(.unsupportedCommand, provider: .qwen, message: "Qwen completions have no task to poll")
    }
}
