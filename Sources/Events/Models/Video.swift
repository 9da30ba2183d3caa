extension SKUPromoted {
    /// The parameters of a promotional video.
    public struct Video: Sendable, Hashable, Codable {
        /// The shape of a video.
        public enum AspectRatio: String, Sendable, Hashable, CaseIterable, Codable {
            /// `9:16`, portrait (the default).
            case portrait = "9:16"
            /// `16:9`, landscape.
            case landscape = "16:9"
            /// `1:1`, square.
            case square = "1:1"
        }

        /// The video's length in seconds: 5 (the default) or 10.
        public var durationSeconds: Int
        /// The aspect ratio. Default ``AspectRatio/portrait``.
        public var aspectRatio: AspectRatio
        /// Direction for the video model, at most 2000 code points.
        public var prompt: String?

        /// The durations the contract allows.
        public static let allowedDurations: Set<Int> = [5, 10]

        /// Creates video parameters with the contract's defaults.
        public init(durationSeconds: Int = 5, aspectRatio: AspectRatio = .portrait, prompt: String? = nil) {
            self.durationSeconds = durationSeconds
            self.aspectRatio = aspectRatio
            self.prompt = prompt
        }

        /// Decodes with the contract's defaults for absent members. Does not validate.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            durationSeconds = try container.decodeIfPresent(Int.self, forKey: .durationSeconds) ?? 5
            aspectRatio = try container.decodeIfPresent(AspectRatio.self, forKey: .aspectRatio) ?? .portrait
            prompt = try container.decodeIfPresent(String.self, forKey: .prompt)
        }

        init(validating field: Field) throws(EventValidationError) {
            let video = try field.object()
            if let duration = video.optional("durationSeconds", "data.video.durationSeconds") {
                durationSeconds = try duration.integer(in: Int.min...Int.max)
                guard Self.allowedDurations.contains(durationSeconds) else {
                    throw duration.violation("must be 5 or 10, got \(durationSeconds)")
                }
            } else {
                durationSeconds = 5
            }
            if let ratio = video.optional("aspectRatio", "data.video.aspectRatio") {
                let text = try ratio.string()
                guard let aspectRatio = AspectRatio(rawValue: text) else {
                    throw ratio.violation("must be \"9:16\", \"16:9\" or \"1:1\", got \(Quoted(text))")
                }
                self.aspectRatio = aspectRatio
            } else {
                aspectRatio = .portrait
            }
            prompt = try video.optional("prompt", "data.video.prompt")?.string(maximumLength: 2000)
        }
    }
}
