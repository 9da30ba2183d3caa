/// `product.listed` data, version 1: a product was listed, or its listing changed.
///
/// Defaults for absent members are applied when decoding: ``languages`` `["en"]`, ``revision`` 0, ``markets``
/// and ``attributes`` empty, ``assets`` nil (meaning the kinds configured in AssetForge).
public struct ProductListed: Sendable, Hashable, Codable {
    /// The SKU, also the record key: 1 to 64 of `A-Z a-z 0-9 . _ -`.
    public var sku: String
    /// The product title, 1 to 200 code points.
    public var title: String
    /// The long description, at most 5000 code points.
    public var description: String?
    /// A free-form category path, at most 500 code points, e.g. `Home & Kitchen > Drinkware`.
    public var category: String?
    /// The brand, at most 200 code points.
    public var brand: String?
    /// The product photo on a white background (an absolute http or https URL).
    public var sourceImageUrl: String
    /// Languages to write copy (and localized images) in: 1 to 10 distinct BCP 47 tags. Default `["en"]`.
    public var languages: [String]
    /// Markets the product is sold in: distinct uppercase ISO 3166-1 alpha-2 codes. Default empty.
    public var markets: [String]
    /// Product attributes, e.g. `["material": "stoneware"]`; names are non-empty. Default empty.
    ///
    /// Two names that differ only in Unicode normalization are one key in a Swift dictionary; the later wins.
    public var attributes: [String: String]
    /// The asset kinds to produce for this product (1 to 3 distinct kinds), or nil for the configured kinds.
    public var assets: [AssetKind]?
    /// The revision of the product content; a higher one supersedes a lower one for the same SKU. Default 0.
    public var revision: Int

    /// Creates product data with the contract's defaults.
    public init(
        sku: String,
        title: String,
        description: String? = nil,
        category: String? = nil,
        brand: String? = nil,
        sourceImageUrl: String,
        languages: [String] = ["en"],
        markets: [String] = [],
        attributes: [String: String] = [:],
        assets: [AssetKind]? = nil,
        revision: Int = 0
    ) {
        self.sku = sku
        self.title = title
        self.description = description
        self.category = category
        self.brand = brand
        self.sourceImageUrl = sourceImageUrl
        self.languages = languages
        self.markets = markets
        self.attributes = attributes
        self.assets = assets
        self.revision = revision
    }

    /// Decodes with the contract's defaults for absent members. Does not validate: use ``EventDecoder`` for that.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sku = try container.decode(String.self, forKey: .sku)
        title = try container.decode(String.self, forKey: .title)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        category = try container.decodeIfPresent(String.self, forKey: .category)
        brand = try container.decodeIfPresent(String.self, forKey: .brand)
        sourceImageUrl = try container.decode(String.self, forKey: .sourceImageUrl)
        languages = try container.decodeIfPresent([String].self, forKey: .languages) ?? ["en"]
        markets = try container.decodeIfPresent([String].self, forKey: .markets) ?? []
        attributes = try container.decodeIfPresent([String: String].self, forKey: .attributes) ?? [:]
        assets = try container.decodeIfPresent([AssetKind].self, forKey: .assets)
        revision = try container.decodeIfPresent(Int.self, forKey: .revision) ?? 0
    }

    init(validating field: Field) throws(EventValidationError) {
        let data = try field.object()
        sku = try data.required("sku", "data.sku").sku()
        title = try data.required("title", "data.title").string(minimumLength: 1, maximumLength: 200)
        description = try data.optional("description", "data.description")?.string(maximumLength: 5000)
        category = try data.optional("category", "data.category")?.string(maximumLength: 500)
        brand = try data.optional("brand", "data.brand")?.string(maximumLength: 200)
        sourceImageUrl = try data.required("sourceImageUrl", "data.sourceImageUrl").httpURL()
        languages =
            try data.optional("languages", "data.languages")?.array(minimumCount: 1, maximumCount: 10, unique: true) {
                item throws(EventValidationError) in try item.bcp47()
            } ?? ["en"]
        markets =
            try data.optional("markets", "data.markets")?.array(unique: true) { item throws(EventValidationError) in
                try item.market()
            } ?? []
        attributes = try data.optional("attributes", "data.attributes").map(Self.attributes) ?? [:]
        assets = try data.optional("assets", "data.assets")?.array(minimumCount: 1, maximumCount: 3, unique: true) {
            item throws(EventValidationError) in try item.assetKind()
        }
        revision = try data.optional("revision", "data.revision")?.integer(in: Self.revisionRange) ?? 0
    }

    /// `revision`: 0 to 2^53 - 1.
    static let revisionRange = 0...9_007_199_254_740_991

    private static func attributes(_ field: Field) throws(EventValidationError) -> [String: String] {
        let object = try field.object()
        var result: [String: String] = [:]
        result.reserveCapacity(object.object.members.count)
        for (name, value) in object.object.members {
            guard !name.isEmpty else { throw field.violation("an attribute name is empty") }
            guard case .string(let text) = value else {
                throw EventValidationError(
                    code: .schemaViolation, path: "data.attributes.\(name)",
                    message: "must be a string, got \(value.typeName)")
            }
            result[name] = text
        }
        return result
    }
}
