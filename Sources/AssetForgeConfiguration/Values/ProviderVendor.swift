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
    }

    /// Every vendor, one line each.
    static let catalog: [Spec] = [
        Spec(vendor: .dashscope, displayName: "DashScope", environmentStem: "DASHSCOPE",
             defaultBaseURL: "https://dashscope.aliyuncs.com", credentials: .apiKey),
        Spec(vendor: .kling, displayName: "Kling", environmentStem: "KLING",
             defaultBaseURL: "https://api-beijing.klingai.com", credentials: .accessKeyPair),
        Spec(vendor: .minimax, displayName: "MiniMax", environmentStem: "MINIMAX",
             defaultBaseURL: "https://api.minimaxi.com", credentials: .apiKey),
        Spec(vendor: .volcengine, displayName: "Volcengine", environmentStem: "VOLCENGINE",
             defaultBaseURL: "https://visual.volcengineapi.com", credentials: .accessKeyPair),
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
