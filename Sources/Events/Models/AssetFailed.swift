/// `asset.failed` data, version 1: AssetForge gave up on one asset.
///
/// At least one of ``variant`` and ``locale`` is present (``locale`` always for copy). The event's id is
/// `failed-` + ``assetId``, the id the asset would have had when ready.
public struct AssetFailed: Sendable, Hashable, Codable {
    /// The asset's idempotency key (see ``AssetReady/assetId``).
    public var assetId: String
    /// The SKU, also the record key.
    public var sku: String
    /// The kind of asset.
    public var kind: AssetKind
    /// The style name, e.g. `studio-white`.
    public var variant: String?
    /// The language (BCP 47); always present for copy.
    public var locale: String?
    /// Why, a stable kebab-case code from an open set.
    public var reason: AssetFailureReason
    /// Detail for operators (at most 2000 code points), not for matching.
    public var message: String?
    /// How many generation attempts were made (0 when it failed before any).
    public var attempts: Int
    /// The providers tried, in order.
    public var providersTried: [String]?
    /// The input event that caused the asset.
    public var sourceEvent: SourceEvent

    /// Creates failure data.
    public init(
        assetId: String,
        sku: String,
        kind: AssetKind,
        variant: String? = nil,
        locale: String? = nil,
        reason: AssetFailureReason,
        message: String? = nil,
        attempts: Int,
        providersTried: [String]? = nil,
        sourceEvent: SourceEvent
    ) {
        self.assetId = assetId
        self.sku = sku
        self.kind = kind
        self.variant = variant
        self.locale = locale
        self.reason = reason
        self.message = message
        self.attempts = attempts
        self.providersTried = providersTried
        self.sourceEvent = sourceEvent
    }
}

extension AssetFailed {
    init(validating field: Field) throws(EventValidationError) {
        let data = try field.object()
        let coordinates = try AssetCoordinates(reading: data)
        (assetId, sku, kind, variant, locale) = (
            coordinates.assetId, coordinates.sku, coordinates.kind, coordinates.variant, coordinates.locale
        )
        reason = AssetFailureReason(rawValue: try data.required("reason", "data.reason").code())
        message = try data.optional("message", "data.message")?.string(maximumLength: 2000)
        attempts = try data.required("attempts", "data.attempts").integer(in: 0...9_007_199_254_740_991)
        providersTried = try data.optional("providersTried", "data.providersTried")?.array {
            item throws(EventValidationError) in try item.string(minimumLength: 1, maximumLength: 64)
        }
        sourceEvent = try SourceEvent(validating: data.required("sourceEvent", "data.sourceEvent"))
        try coordinates.check()
    }
}
