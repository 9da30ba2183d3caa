/// `assetCoordinates` in common.schema.json: which asset an asset event is about.
enum AssetCoordinates {
    /// At least one of `variant` and `locale`; `locale` always for copy.
    static func check(kind: AssetKind, variant: String?, locale: String?) throws(EventValidationError) {
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
