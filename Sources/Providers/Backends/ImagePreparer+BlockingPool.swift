import AssetForgeConfiguration
import AssetImaging
import NIOPosix

extension ImagePreparer {
    /// ``ImagePreparer/cutOut(_:)`` on NIO's shared blocking thread pool, failing as `provider`'s input preparation.
    ///
    /// libvips work is long and blocking: on Swift's cooperative pool it would hold one of its few threads (as many
    /// as cores) for tens of milliseconds per image, delaying lease renewals and polling; and the blocking pool,
    /// sized to the cores, bounds how many images are decoded at once, and so their memory.
    func cutOut(_ image: [UInt8], for provider: GenerationProvider) async throws(ProviderError) -> PreparedImage {
        try await Self.offThePool(for: provider) { () throws(ImagePreparationError) in try self.cutOut(image) }
    }

    /// ``ImagePreparer/fit(_:aspectWidth:aspectHeight:mode:minimumShortSide:)`` on NIO's shared blocking thread pool,
    /// failing as `provider`'s input preparation (see ``cutOut(_:for:)``).
    func fit(
        _ image: [UInt8], aspectWidth: Int, aspectHeight: Int, mode: AspectFit, minimumShortSide: Int,
        for provider: GenerationProvider
    ) async throws(ProviderError) -> PreparedImage {
        try await Self.offThePool(for: provider) { () throws(ImagePreparationError) in
            try self.fit(
                image, aspectWidth: aspectWidth, aspectHeight: aspectHeight, mode: mode,
                minimumShortSide: minimumShortSide)
        }
    }

    private static func offThePool(
        for provider: GenerationProvider, _ body: @escaping @Sendable () throws(ImagePreparationError) -> PreparedImage
    ) async throws(ProviderError) -> PreparedImage {
        do {
            return try await NIOThreadPool.singleton.runIfActive { try body() }
        } catch let error as ImagePreparationError {
            throw error.providerError(provider)
        } catch {
            throw ProviderError(
                .inputPreparationFailed, provider: provider,
                message: "the image could not be prepared (\(error)); the process is shutting down or overloaded")
        }
    }
}
