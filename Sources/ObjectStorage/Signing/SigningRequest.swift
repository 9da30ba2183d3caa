/// The parts of an HTTP request that a request signer reads and extends.
///
/// Query parameters and header values are kept raw (not percent-encoded); the signers encode them
/// as their canonical forms require. Header names are compared case-insensitively.
public struct SigningRequest: Sendable, Equatable {
    /// One query parameter. A `nil` or empty value is written as a bare name (`?uploads`).
    public struct QueryParameter: Sendable, Equatable {
        /// The raw name.
        public var name: String
        /// The raw value, if any.
        public var value: String?

        /// Creates a parameter.
        public init(_ name: String, _ value: String? = nil) {
            self.name = name
            self.value = value
        }
    }

    /// The HTTP method, e.g. `PUT`.
    public var method: String
    /// The query parameters, in any order.
    public var query: [QueryParameter]
    /// The headers as (name, value) pairs, in any order.
    public var headers: [(name: String, value: String)]

    /// Creates a request description.
    public init(method: String, query: [QueryParameter] = [], headers: [(name: String, value: String)] = []) {
        self.method = method
        self.query = query
        self.headers = headers
    }

    /// The value of the first header called `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// Replaces every header called `name` (case-insensitive) by one with `value`.
    public mutating func setHeader(_ name: String, _ value: String) {
        let lowered = name.lowercased()
        headers.removeAll { $0.name.lowercased() == lowered }
        headers.append((name, value))
    }

    /// The query string, each name and value percent-encoded (RFC 3986), in the stored order.
    public var encodedQuery: String {
        query.map { parameter in
            let name = PercentEncoding.encode(parameter.name)
            guard let value = parameter.value else { return name }
            return "\(name)=\(PercentEncoding.encode(value))"
        }.joined(separator: "&")
    }

    public static func == (lhs: SigningRequest, rhs: SigningRequest) -> Bool {
        lhs.method == rhs.method && lhs.query == rhs.query
            && lhs.headers.map { [$0.name, $0.value] } == rhs.headers.map { [$0.name, $0.value] }
    }
}
