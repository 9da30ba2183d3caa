/// Reads the members of a JSON object for validation. Members it is not asked for are ignored.
struct ObjectReader {
    let object: JSONObject
    /// The object's own path, e.g. `data.video` (empty for the envelope).
    let path: String

    init(_ object: JSONObject, path: String) {
        self.object = object
        self.path = path
    }

    /// The member `name`, whose path is `path` (a literal such as `"data.sku"`); absent is a violation.
    func required(_ name: String, _ path: String) throws(EventValidationError) -> Field {
        guard let value = object[name] else {
            throw EventValidationError(code: .schemaViolation, path: path, message: "is required")
        }
        return Field(value, path: path)
    }

    /// The member `name` if present (a present `null` is returned, and fails its type check).
    func optional(_ name: String, _ path: String) -> Field? {
        object[name].map { Field($0, path: path) }
    }

    /// Whether the member is present.
    func contains(_ name: String) -> Bool {
        object[name] != nil
    }
}
