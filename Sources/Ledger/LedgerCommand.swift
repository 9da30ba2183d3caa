import Events
import Foundation

/// One planned generation, as the planner recorded it: everything needed to run it from the ledger alone.
public struct LedgerCommand: Sendable, Hashable {
    /// The idempotency key (64 lowercase hexadecimal digits), also the published `assetId`.
    public var key: String
    /// The SKU.
    public var sku: String
    /// The asset kind.
    public var kind: AssetKind
    /// The style (images), if any.
    public var variant: String?
    /// The language (copy), if any.
    public var locale: String?
    /// The role the asset plays for its SKU, e.g. `scene-image` for the image videos are made from.
    public var role: String?
    /// The revision of the input that asked for it (product or promotion revision), to find the newest scene image.
    public var revision: Int
    /// The key of a command whose stored result this one needs first (a video's scene image), if any.
    public var dependsOn: String?
    /// What to generate, as the pipeline encoded it (opaque to the ledger).
    public var specification: [UInt8]
    /// The input event that asked for it (the first one; replays don't change it).
    public var sourceEvent: SourceEvent

    /// A command.
    public init(
        key: String, sku: String, kind: AssetKind, variant: String? = nil, locale: String? = nil, role: String? = nil,
        revision: Int = 0, dependsOn: String? = nil, specification: [UInt8], sourceEvent: SourceEvent
    ) {
        self.key = key
        self.sku = sku
        self.kind = kind
        self.variant = variant
        self.locale = locale
        self.role = role
        self.revision = revision
        self.dependsOn = dependsOn
        self.specification = specification
        self.sourceEvent = sourceEvent
    }
}
