/// Marketing copy: the content of a `copy` asset.
public struct CopyText: Sendable, Hashable, Codable {
    /// The title, 1 to 200 code points.
    public var title: String
    /// The description, 1 to 5000 code points.
    public var description: String
    /// Bullet points (each non-empty), if any.
    public var bullets: [String]?
    /// Search keywords (each non-empty), if any.
    public var keywords: [String]?

    /// Creates copy.
    public init(title: String, description: String, bullets: [String]? = nil, keywords: [String]? = nil) {
        self.title = title
        self.description = description
        self.bullets = bullets
        self.keywords = keywords
    }
}

extension CopyText {
    init(validating field: Field) throws(EventValidationError) {
        let object = try field.object()
        title = try object.required("title", "data.text.title").string(minimumLength: 1, maximumLength: 200)
        bullets = try object.optional("bullets", "data.text.bullets")?.array { item throws(EventValidationError) in
            try item.string(minimumLength: 1)
        }
        description = try object.required("description", "data.text.description")
            .string(minimumLength: 1, maximumLength: 5000)
        keywords = try object.optional("keywords", "data.text.keywords")?.array { item throws(EventValidationError) in
            try item.string(minimumLength: 1)
        }
    }
}
