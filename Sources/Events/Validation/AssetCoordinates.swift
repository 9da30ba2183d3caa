/// The members both asset events start with: which asset the event is about (`assetCoordinates` in
/// common.schema.json, plus the asset id, SKU and kind).
struct AssetCoordinates {
    let assetId: String
    let sku: String
    let kind: AssetKind
    let variant: String?
    let locale: String?

    /// Reads and checks `assetId`, `sku`, `kind`, `variant` and `locale` of `data`.
    init(reading data: ObjectReader) throws(EventValidationError) {
        assetId = try data.required("assetId", "data.assetId").sha256Hex()
        sku = try data.required("sku", "data.sku").sku()
        kind = try data.required("kind", "data.kind").assetKind()
        variant = try data.optional("variant", "data.variant")?.sku("a variant name")
        locale = try data.optional("locale", "data.locale")?.bcp47()
    }

    /// At least one of `variant` and `locale`; `locale` always for copy. (Checked after the other members, as
    /// the rule spans them.)
    func check() throws(EventValidationError) {
        if kind == .copy, locale == nil {
            throw EventValidationError.missing("data.locale", because: "copy")
        }
        if variant == nil, locale == nil {
            throw EventValidationError(
                code: .schemaViolation, path: "data", message: "needs at least one of variant and locale")
        }
    }
}

extension EventValidationError {
    /// A member that a rule depending on another member requires.
    static func missing(_ path: String, because subject: String) -> EventValidationError {
        EventValidationError(code: .schemaViolation, path: path, message: "is required for \(subject)")
    }
}
