import Foundation

/// A vendor account that generation providers call: it has a base URL and credentials.
///
/// The catalogue of vendors, their defaults and their variable names is ``ProviderVendor/catalog``;
/// adding a vendor is a new case plus one line there.
public enum ProviderVendor: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Alibaba Cloud DashScope (Model Studio): serves the Wanx and Qwen providers.
    case dashscope
    /// Kling AI.
    case kling
    /// MiniMax: serves the Hailuo provider.
    case minimax
    /// Volcengine (ByteDance): serves the Jimeng provider.
    case volcengine

    /// The kind of credentials a vendor uses.
    public enum CredentialKind: Sendable, Hashable {
        /// One API key: `<VENDOR>_API_KEY`, file key `providers.<vendor>.apiKey`.
        case apiKey
        /// An access key and a secret key, both required: `<VENDOR>_ACCESS_KEY` and `<VENDOR>_SECRET_KEY`,
        /// file keys `providers.<vendor>.accessKey` and `providers.<vendor>.secretKey`.
        case accessKeyPair
    }

    /// One row of the vendor catalogue.
    struct Spec: Sendable {
        let vendor: ProviderVendor
        let displayName: String
        /// The upper-case stem of the variable names, e.g. `DASHSCOPE`.
        let environmentStem: String
        let defaultBaseURL: String
        let credentials: CredentialKind

        init(
            _ vendor: ProviderVendor, _ displayName: String, _ environmentStem: String, _ defaultBaseURL: String,
            _ credentials: CredentialKind
        ) {
            self.vendor = vendor
            self.displayName = displayName
            self.environmentStem = environmentStem
            self.defaultBaseURL = defaultBaseURL
            self.credentials = credentials
        }
    }

    /// Every vendor, one line each: name, display name, variable stem, default base URL, credential kind.
    static let catalog: [Spec] = [
        Spec(.dashscope, "DashScope", "DASHSCOPE", "https://dashscope.aliyuncs.com", .apiKey),
        Spec(.kling, "Kling", "KLING", "https://api-beijing.klingai.com", .accessKeyPair),
        Spec(.minimax, "MiniMax", "MINIMAX", "https://api.minimaxi.com", .apiKey),
        Spec(.volcengine, "Volcengine", "VOLCENGINE", "https://visual.volcengineapi.com", .accessKeyPair),
    ]

    var spec: Spec { Self.catalog.first { $0.vendor == self }! }

    /// A human-readable name, e.g. `DashScope`.
    public var displayName: String { spec.displayName }

    /// The kind of credentials this vendor needs.
    public var credentialKind: CredentialKind { spec.credentials }

    /// The built-in base URL.
    public var defaultBaseURL: URL { URL(string: spec.defaultBaseURL)! }

    /// The lower-case name used in file keys, e.g. `dashscope`.
    public var description: String { rawValue }
}
