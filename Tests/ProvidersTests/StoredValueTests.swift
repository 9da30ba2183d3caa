import Foundation
import Testing

@testable import Providers

/// ``SubmittedTask`` and ``ProviderOutput`` are persisted in the ledger's progress records: their JSON must stay what
/// earlier versions wrote, and they must behave as values.
@Suite("Submitted tasks and outputs as stored values") struct StoredValueTests {
    static let output = ProviderOutput(
        urls: [URL(string: "https://cdn.example/v.mp4")!], copy: SEOCopy(title: "T", bullets: ["b"], description: "d", keywords: ["k"]),
        model: "kling-v1", durationSeconds: 5, width: 1280, height: 720, usage: ProviderUsage(videoSeconds: 5), variant: "std")
    static let task = SubmittedTask(
        assetID: "a1", provider: .kling, taskID: "t1", kind: .video, model: "kling-v1", variant: "std", durationSeconds: 5,
        imageCount: 1, submittedAt: Date(timeIntervalSinceReferenceDate: 1000), fallbackFrom: .hailuo,
        fallbackReason: "breaker", reservedCNY: Decimal(string: "2.5")!, completedOutput: output)

    /// The JSON the synthesized encoding of the plain structs produced (keys sorted).
    static let taskJSON =
        #"{"assetID":"a1","completedOutput":{"copy":{"bullets":["b"],"description":"d","keywords":["k"],"title":"T"},"#
        + #""durationSeconds":5,"height":720,"inlineImages":[],"model":"kling-v1","urls":["https:\/\/cdn.example\/v.mp4"],"#
        + #""usage":{"images":0,"inputTokens":0,"outputTokens":0,"videoSeconds":5},"variant":"std","width":1280},"#
        + #""durationSeconds":5,"fallbackFrom":"hailuo","fallbackReason":"breaker","imageCount":1,"kind":"video","#
        + #""model":"kling-v1","provider":"kling","reservedCNY":2.5,"submittedAt":1000,"taskID":"t1","variant":"std"}"#

    @Test func encodesAsBefore() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(Self.task), as: UTF8.self) == Self.taskJSON)
    }

    @Test func decodesWhatEarlierVersionsWrote() throws {
        let decoded = try JSONDecoder().decode(SubmittedTask.self, from: Data(Self.taskJSON.utf8))
        #expect(decoded == Self.task)
        #expect(decoded.completedOutput?.copy?.title == "T")
        #expect(decoded.reservedCNY == Decimal(string: "2.5")!)
        let bare = #"{"assetID":"a2","provider":"wanx","taskID":"t2","kind":"scene-image","model":"m","imageCount":3,"#
            + #""submittedAt":0,"reservedCNY":0}"#
        let minimal = try JSONDecoder().decode(SubmittedTask.self, from: Data(bare.utf8))
        #expect(minimal.completedOutput == nil && minimal.variant == nil && minimal.imageCount == 3)
    }

    @Test func aChangedCopyLeavesTheOriginalAlone() {
        var copy = Self.task
        copy.taskID = "t9"
        copy.completedOutput?.model = "other"
        #expect(Self.task.taskID == "t1")
        #expect(Self.task.completedOutput?.model == "kling-v1")
        #expect(copy.taskID == "t9" && copy.completedOutput?.model == "other")
        #expect(copy != Self.task)
        var same = Self.task
        same.taskID = "t1"
        #expect(same == Self.task && same.hashValue == Self.task.hashValue)
    }
}
