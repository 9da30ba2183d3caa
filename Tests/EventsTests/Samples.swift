import Events
import Foundation

/// Sample events for tests.
enum Samples {
    static let assetId = "5f0c6d7e8a9b0c1d2e3f405162738495a6b7c8d9e0f1021324354657687980a1"
    static let sourceEvent = SourceEvent(
        id: "e7a3c9d0-1b2c-4d5e-8f60-718293a4b534", source: "urn:shop:catalog", type: "product.listed")
    static let generatedAt = Timestamp(rfc3339: "2025-06-03T05:46:29Z")!
    /// 2025-06-03T05:46:30.250Z
    static let time = Date(timeIntervalSince1970: 1_748_929_590.25)

    static let marketingImage = AssetReady(
        assetId: assetId, sku: "MUG-CER-350-WHT", kind: .marketingImage, variant: "studio-white",
        url: "http://127.0.0.1:8090/assets/MUG-CER-350-WHT/marketing-image/studio-white/\(assetId).png",
        contentType: "image/png", bytes: 903_114, sha256: String(repeating: "de", count: 32), width: 1536,
        height: 1024, provider: "simulator", model: "sim-image-1", providerTaskId: "task-0001",
        cost: Cost(amount: 0.14, currency: "CNY"), sourceEvent: sourceEvent, generatedAt: generatedAt)

    static let video = AssetReady(
        assetId: String(repeating: "ab", count: 32), sku: "EAR-TWS-ANC-BLK", kind: .video, variant: "promo-9x16",
        url: "https://cdn.shop.example/assets/EAR-TWS-ANC-BLK/video/promo-9x16.mp4", contentType: "video/mp4",
        bytes: 4_202_311, sha256: String(repeating: "0f", count: 32), durationSeconds: 5, provider: "simulator",
        model: "sim-video-1",
        sourceEvent: SourceEvent(id: "p-42", source: "urn:shop:promotions", type: "sku.promoted"),
        generatedAt: generatedAt)

    static let copy = AssetReady(
        assetId: String(repeating: "c0", count: 32), sku: "YOGA-MAT-6MM-TEAL", kind: .copy, locale: "es-419",
        url: "http://127.0.0.1:8090/assets/YOGA-MAT-6MM-TEAL/copy/es-419.json",
        contentType: "application/json; charset=utf-8", bytes: 812, sha256: String(repeating: "9e", count: 32),
        text: CopyText(
            title: "Tapete de yoga antideslizante, 6 mm", description: "Doble capa de TPE con agarre texturizado.",
            bullets: ["183 × 61 cm", "Sin látex"], keywords: ["yoga", "tapete"]),
        provider: "simulator", model: "sim-text-1", sourceEvent: sourceEvent, generatedAt: generatedAt)

    static let failed = AssetFailed(
        assetId: String(repeating: "d1", count: 32), sku: "MUG-CER-350-WHT", kind: .video, variant: "promo-9x16",
        reason: .noSceneImage, message: "no scene image was given and scene generation is off", attempts: 0,
        providersTried: [], sourceEvent: sourceEvent)
}
