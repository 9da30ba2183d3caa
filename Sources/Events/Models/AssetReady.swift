/// `asset.ready` data, version 1: a generated asset is stored and ready to use.
///
/// Rules that depend on ``kind``: at least one of ``variant`` and ``locale``; `marketing-image` needs ``width``,
/// ``height`` and an `image/*` ``contentType``; `video` needs ``durationSeconds`` and a `video/*` content type;
/// `copy` needs ``locale`` and ``text``. The event's id is `ready-` + ``assetId``.
public struct AssetReady: Sendable, Hashable, Codable {
    /// The asset's idempotency key: 64 lowercase hexadecimal digits, the same on every replay.
    public var assetId: String
    /// The SKU, also the record key.
    public var sku: String
    /// The kind of asset.
    public var kind: AssetKind
    /// The style name (same alphabet as a SKU), e.g. `studio-white`.
    public var variant: String?
    /// The language (BCP 47), e.g. `pt-BR`; always present for copy.
    public var locale: String?
    /// Where the asset can be fetched (absolute http or https URL).
    public var url: String
    /// The media type of the stored object, e.g. `image/png`.
    public var contentType: String
    /// The stored object's size in bytes.
    public var bytes: Int
    /// The SHA-256 of the stored object, 64 lowercase hexadecimal digits.
    public var sha256: String
    /// The image width in pixels (marketing images).
    public var width: Int?
    /// The image height in pixels (marketing images).
    public var height: Int?
    /// The video length in seconds, greater than 0 (videos).
    public var durationSeconds: Double?
    /// The copy itself (copy).
    public var text: CopyText?
    /// The generation provider, e.g. `simulator`, 1 to 64 code points.
    public var provider: String
    /// The model name at the provider, 1 to 128 code points.
    public var model: String
    /// The provider's own task id, 1 to 256 code points.
    public var providerTaskId: String?
    /// What the generation cost, if reported.
    public var cost: Cost?
    /// The input event that caused the asset.
    public var sourceEvent: SourceEvent
    /// When the asset was generated.
    public var generatedAt: Timestamp

    /// Creates asset data.
    public init(
        assetId: String,
        sku: String,
        kind: AssetKind,
        variant: String? = nil,
        locale: String? = nil,
        url: String,
        contentType: String,
        bytes: Int,
        sha256: String,
        width: Int? = nil,
        height: Int? = nil,
        durationSeconds: Double? = nil,
        text: CopyText? = nil,
        provider: String,
        model: String,
        providerTaskId: String? = nil,
        cost: Cost? = nil,
        sourceEvent: SourceEvent,
        generatedAt: Timestamp
    ) {
        self.assetId = assetId
        self.sku = sku
        self.kind = kind
        self.variant = variant
        self.locale = locale
        self.url = url
        self.contentType = contentType
        self.bytes = bytes
        self.sha256 = sha256
        self.width = width
        self.height = height
        self.durationSeconds = durationSeconds
        self.text = text
        self.provider = provider
        self.model = model
        self.providerTaskId = providerTaskId
        self.cost = cost
        self.sourceEvent = sourceEvent
        self.generatedAt = generatedAt
    }
}

extension AssetReady {
    init(validating field: Field) throws(EventValidationError) {
        let data = try field.object()
        let coordinates = try AssetCoordinates(reading: data)
        (assetId, sku, kind, variant, locale) = (
            coordinates.assetId, coordinates.sku, coordinates.kind, coordinates.variant, coordinates.locale
        )
        url = try data.required("url", "data.url").httpURL()
        let contentTypeField = try data.required("contentType", "data.contentType")
        contentType = try contentTypeField.mediaType()
        bytes = try data.required("bytes", "data.bytes").integer(in: 0...9_007_199_254_740_991)
        sha256 = try data.required("sha256", "data.sha256").sha256Hex()
        width = try data.optional("width", "data.width")?.integer(in: 1...9_007_199_254_740_991)
        height = try data.optional("height", "data.height")?.integer(in: 1...9_007_199_254_740_991)
        let duration = data.optional("durationSeconds", "data.durationSeconds")
        durationSeconds = try duration?.number()
        if let duration, let seconds = durationSeconds, !(seconds > 0) {
            throw duration.violation("must be greater than 0, got \(Field.format(seconds))")
        }
        text = try data.optional("text", "data.text").map(CopyText.init(validating:))
        provider = try data.required("provider", "data.provider").string(minimumLength: 1, maximumLength: 64)
        model = try data.required("model", "data.model").string(minimumLength: 1, maximumLength: 128)
        providerTaskId = try data.optional("providerTaskId", "data.providerTaskId")?
            .string(minimumLength: 1, maximumLength: 256)
        cost = try data.optional("cost", "data.cost").map(Cost.init(validating:))
        sourceEvent = try SourceEvent(validating: data.required("sourceEvent", "data.sourceEvent"))
        generatedAt = try data.required("generatedAt", "data.generatedAt").timestamp()

        try coordinates.check()
        switch kind {
        case .marketingImage:
            guard width != nil else { throw EventValidationError.missing("data.width", because: "a marketing-image") }
            guard height != nil else { throw EventValidationError.missing("data.height", because: "a marketing-image") }
            guard contentType.hasUTF8Prefix("image/") else {
                throw contentTypeField.violation("\(Quoted(contentType)) is not image/* as a marketing-image needs")
            }
        case .video:
            guard durationSeconds != nil else {
                throw EventValidationError.missing("data.durationSeconds", because: "a video")
            }
            guard contentType.hasUTF8Prefix("video/") else {
                throw contentTypeField.violation("\(Quoted(contentType)) is not video/* as a video needs")
            }
        case .copy:
            guard text != nil else { throw EventValidationError.missing("data.text", because: "copy") }
        }
    }
}
