/// `sku.promoted` data, version 1: a SKU was chosen for promotion; AssetForge makes a promotional video for it.
///
/// Defaults for absent members are applied when decoding: ``video`` duration 5 s and aspect ratio 9:16,
/// ``channels`` empty, ``revision`` 0.
public struct SKUPromoted: Sendable, Hashable, Codable {
    /// The SKU, also the record key.
    public var sku: String
    /// The campaign, 1 to 128 code points.
    public var campaignId: String?
    /// Rank by return on investment, 1 = best.
    public var roiRank: Int?
    /// A lifestyle or scene image to animate instead of the white-background photo (absolute http or https URL).
    public var sceneImageUrl: String?
    /// Video parameters, with defaults applied.
    public var video: Video
    /// Channels the promotion runs on (distinct, 1 to 64 code points each), e.g. `tiktok`. Default empty.
    public var channels: [String]
    /// The revision of the promotion; a higher one supersedes a lower one for the same SKU. Default 0.
    public var revision: Int

    /// Creates promotion data with the contract's defaults.
    public init(
        sku: String,
        campaignId: String? = nil,
        roiRank: Int? = nil,
        sceneImageUrl: String? = nil,
        video: Video = Video(),
        channels: [String] = [],
        revision: Int = 0
    ) {
        self.sku = sku
        self.campaignId = campaignId
        self.roiRank = roiRank
        self.sceneImageUrl = sceneImageUrl
        self.video = video
        self.channels = channels
        self.revision = revision
    }

    /// Decodes with the contract's defaults for absent members. Does not validate: use ``EventDecoder`` for that.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sku = try container.decode(String.self, forKey: .sku)
        campaignId = try container.decodeIfPresent(String.self, forKey: .campaignId)
        roiRank = try container.decodeIfPresent(Int.self, forKey: .roiRank)
        sceneImageUrl = try container.decodeIfPresent(String.self, forKey: .sceneImageUrl)
        video = try container.decodeIfPresent(Video.self, forKey: .video) ?? Video()
        channels = try container.decodeIfPresent([String].self, forKey: .channels) ?? []
        revision = try container.decodeIfPresent(Int.self, forKey: .revision) ?? 0
    }

    init(validating field: Field) throws(EventValidationError) {
        let data = try field.object()
        sku = try data.required("sku", "data.sku").sku()
        campaignId = try data.optional("campaignId", "data.campaignId")?.string(minimumLength: 1, maximumLength: 128)
        roiRank = try data.optional("roiRank", "data.roiRank")?.integer(in: 1...9_007_199_254_740_991)
        sceneImageUrl = try data.optional("sceneImageUrl", "data.sceneImageUrl")?.httpURL()
        video = try data.optional("video", "data.video").map(Video.init(validating:)) ?? Video()
        channels =
            try data.optional("channels", "data.channels")?.array(unique: true) { item throws(EventValidationError) in
                try item.string(minimumLength: 1, maximumLength: 64)
            } ?? []
        revision = try data.optional("revision", "data.revision")?.integer(in: ProductListed.revisionRange) ?? 0
    }
}
