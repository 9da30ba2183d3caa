import Foundation

extension AssetForgeConfiguration {
    /// Generation providers and the vendor accounts they call.
    ///
    /// Per vendor (``ProviderVendor``), a base URL (file key / env, default) and credentials (secrets):
    ///
    /// - dashscope: `providers.dashscope.baseURL` / `ASSETFORGE_DASHSCOPE_BASE_URL`,
    ///   `https://dashscope.aliyuncs.com`; `providers.dashscope.apiKey` / `DASHSCOPE_API_KEY`.
    /// - kling: `providers.kling.baseURL` / `ASSETFORGE_KLING_BASE_URL`, `https://api-beijing.klingai.com`;
    ///   `providers.kling.accessKey` / `KLING_ACCESS_KEY` and `providers.kling.secretKey` / `KLING_SECRET_KEY`.
    /// - minimax: `providers.minimax.baseURL` / `ASSETFORGE_MINIMAX_BASE_URL`, `https://api.minimaxi.com`;
    ///   `providers.minimax.apiKey` / `MINIMAX_API_KEY`.
    /// - volcengine: `providers.volcengine.baseURL` / `ASSETFORGE_VOLCENGINE_BASE_URL`,
    ///   `https://visual.volcengineapi.com`; `providers.volcengine.accessKey` / `VOLCENGINE_ACCESS_KEY` and
    ///   `providers.volcengine.secretKey` / `VOLCENGINE_SECRET_KEY`.
    ///
    /// A base URL is `http(s)://host[:port]` only: no path other than `/`, no query, no fragment.
    /// A vendor without credentials is disabled, and so are its providers; a key pair with one half
    /// missing is an error naming the missing variable.
    ///
    /// Per provider (``GenerationProvider``; `<name>` is `wanx`, `qwen`, `kling`, `hailuo` or `jimeng`, `<NAME>`
    /// the same in capitals):
    ///
    /// - ``ProviderLimits``: `providers.<name>.maxInFlight` / `ASSETFORGE_<NAME>_MAX_IN_FLIGHT` (a positive
    ///   integer) and `providers.<name>.dailyBudget` / `ASSETFORGE_<NAME>_DAILY_BUDGET_CNY` (CNY, up to
    ///   2 decimals; default none, meaning no cap).
    /// - ``ProviderPacing``: submission rate and burst, polling schedule, task timeout, retries and circuit
    ///   breaker, e.g. `providers.<name>.submitsPerSecond` / `ASSETFORGE_<NAME>_SUBMITS_PER_SECOND`; each
    ///   property names its key and variable.
    /// - ``ProviderPrices``: CNY prices that replace the built-in price table's per-model prices, e.g.
    ///   `providers.wanx.pricePerImage` / `ASSETFORGE_PRICE_WANX_PER_IMAGE_CNY`; only the prices of what the
    ///   provider makes (its ``GenerationProvider/Medium``) are settings. Default none: the price table.
    ///
    /// Defaults that differ per provider (the polling schedule and task timeout apply to what the provider makes):
    ///
    /// | provider | medium | max in flight | submits/s | burst | first poll | interval | max interval | timeout |
    /// |----------|--------|---------------|-----------|-------|------------|----------|--------------|---------|
    /// | wanx (dashscope)    | image | 1 | 2 | 2 | 10 s  | 2 s  | 10 s | 600 s  |
    /// | qwen (dashscope)    | text  | 4 | 5 | 5 | 5 s   | 2 s  | 10 s | 600 s  |
    /// | kling (kling)       | video | 4 | 1 | 2 | 90 s  | 10 s | 30 s | 1800 s |
    /// | hailuo (minimax)    | video | 2 | 1 | 2 | 120 s | 10 s | 30 s | 1800 s |
    /// | jimeng (volcengine) | image | 2 | 1 | 2 | 8 s   | 2 s  | 10 s | 600 s  |
    ///
    /// Every provider defaults to 5 attempts per HTTP step and a breaker that opens after 5 consecutive
    /// faults for 30 s.
    public struct Providers: Sendable, Equatable {
        /// Base URL and credentials per vendor; every vendor has an entry.
        public var accounts: [ProviderVendor: VendorAccount]

        /// Concurrency and budget per provider; every provider has an entry.
        public var limits: [GenerationProvider: ProviderLimits]

        /// Submission rate, polling, timeout, retries and breaker per provider; every provider has an entry.
        public var pacing: [GenerationProvider: ProviderPacing]

        /// Configured prices per provider; every provider has an entry (empty by default).
        public var prices: [GenerationProvider: ProviderPrices]

        /// The defaults: built-in base URLs, no credentials, catalogue concurrency limits and pacing, no budgets,
        /// no configured prices.
        public init() {
            accounts = Dictionary(uniqueKeysWithValues: ProviderVendor.allCases.map { ($0, VendorAccount(vendor: $0)) })
            limits = Dictionary(
                uniqueKeysWithValues: GenerationProvider.allCases.map {
                    ($0, ProviderLimits(maxInFlight: $0.defaultMaxInFlight))
                })
            pacing = Dictionary(uniqueKeysWithValues: GenerationProvider.allCases.map { ($0, $0.defaultPacing) })
            prices = Dictionary(uniqueKeysWithValues: GenerationProvider.allCases.map { ($0, ProviderPrices()) })
        }

        /// The account of `vendor` (its defaults if the dictionary has no entry).
        public subscript(account vendor: ProviderVendor) -> VendorAccount {
            get { accounts[vendor] ?? VendorAccount(vendor: vendor) }
            set { accounts[vendor] = newValue }
        }

        /// The limits of `provider` (its defaults if the dictionary has no entry).
        public subscript(limits provider: GenerationProvider) -> ProviderLimits {
            get { limits[provider] ?? ProviderLimits(maxInFlight: provider.defaultMaxInFlight) }
            set { limits[provider] = newValue }
        }

        /// The pacing of `provider` (its defaults if the dictionary has no entry).
        public subscript(pacing provider: GenerationProvider) -> ProviderPacing {
            get { pacing[provider] ?? provider.defaultPacing }
            set { pacing[provider] = newValue }
        }

        /// The configured prices of `provider` (none if the dictionary has no entry).
        public subscript(prices provider: GenerationProvider) -> ProviderPrices {
            get { prices[provider] ?? ProviderPrices() }
            set { prices[provider] = newValue }
        }

        /// Everything a worker for `provider` needs: its vendor's base URL and credentials and its own limits,
        /// pacing and prices.
        public func settings(for provider: GenerationProvider) -> ProviderSettings {
            let account = self[account: provider.vendor]
            let limits = self[limits: provider]
            return ProviderSettings(
                provider: provider,
                vendor: provider.vendor,
                baseURL: account.baseURL,
                credentials: account.credentials,
                maxInFlight: limits.maxInFlight,
                dailyBudgetCNY: limits.dailyBudgetCNY,
                pacing: self[pacing: provider],
                prices: self[prices: provider])
        }

        /// Providers whose vendor has credentials, in catalogue order.
        public var enabledProviders: [GenerationProvider] {
            GenerationProvider.allCases.filter { self[account: $0.vendor].isEnabled }
        }

        /// Vendors that have credentials, in catalogue order.
        public var enabledVendors: [ProviderVendor] {
            ProviderVendor.allCases.filter { self[account: $0].isEnabled }
        }
    }
}

/// One vendor account: where to call and with which credentials.
public struct VendorAccount: Sendable, Equatable {
    /// The vendor.
    public let vendor: ProviderVendor

    /// `scheme://host[:port]`. Default: the vendor's built-in URL (see ``AssetForgeConfiguration/Providers``).
    public var baseURL: URL

    /// The API key, for vendors that use one (`DASHSCOPE_API_KEY`, `MINIMAX_API_KEY`). Secret.
    public var apiKey: Secret?

    /// The access key, for vendors that use a key pair (`KLING_ACCESS_KEY`, `VOLCENGINE_ACCESS_KEY`). Secret.
    public var accessKey: Secret?

    /// The secret key, for vendors that use a key pair (`KLING_SECRET_KEY`, `VOLCENGINE_SECRET_KEY`). Secret.
    public var secretKey: Secret?

    /// The vendor's defaults, without credentials.
    public init(vendor: ProviderVendor) {
        self.vendor = vendor
        self.baseURL = vendor.defaultBaseURL
    }

    /// The complete credentials of the vendor's kind, or `nil` when any part is missing.
    public var credentials: ProviderCredentials? {
        switch vendor.credentialKind {
        case .apiKey:
            return apiKey.map(ProviderCredentials.apiKey)
        case .accessKeyPair:
            guard let accessKey, let secretKey else { return nil }
            return .accessKeyPair(accessKey: accessKey, secretKey: secretKey)
        }
    }

    /// Whether the vendor has credentials and so can be called.
    public var isEnabled: Bool { credentials != nil }
}

/// Credentials for a vendor API. Both kinds print as `<redacted>`.
public enum ProviderCredentials: Sendable, Equatable {
    /// A single API key (bearer token).
    case apiKey(Secret)
    /// An access key and secret key (signed requests or JWTs).
    case accessKeyPair(accessKey: Secret, secretKey: Secret)
}

/// How hard AssetForge may use one provider.
public struct ProviderLimits: Sendable, Equatable {
    /// Requests in flight at most; a positive integer.
    public var maxInFlight: Int

    /// The most to spend per day, in CNY (yuan, up to 2 decimals); `nil` for no cap, 0 for no paid calls.
    public var dailyBudgetCNY: Decimal?

    /// Creates limits.
    public init(maxInFlight: Int, dailyBudgetCNY: Decimal? = nil) {
        self.maxInFlight = maxInFlight
        self.dailyBudgetCNY = dailyBudgetCNY
    }
}

/// Everything a worker for one provider needs, resolved from its vendor account and its limits.
public struct ProviderSettings: Sendable, Equatable {
    /// The provider.
    public var provider: GenerationProvider
    /// Its vendor.
    public var vendor: ProviderVendor
    /// The vendor's base URL.
    public var baseURL: URL
    /// The vendor's credentials; `nil` when the provider is disabled.
    public var credentials: ProviderCredentials?
    /// Requests in flight at most.
    public var maxInFlight: Int
    /// The daily budget in CNY, if capped.
    public var dailyBudgetCNY: Decimal?
    /// Submission rate, polling, task timeout, retries and circuit breaker.
    public var pacing: ProviderPacing
    /// Prices that replace the built-in price table's; empty when none are configured.
    public var prices: ProviderPrices

    /// Whether the provider can be used (its vendor has credentials).
    public var isEnabled: Bool { credentials != nil }
}
