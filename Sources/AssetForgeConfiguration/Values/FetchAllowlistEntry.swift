/// One entry of `ASSETFORGE_FETCH_ALLOWLIST`: a host name, an IP address or a CIDR range.
public enum FetchAllowlistEntry: Sendable, Hashable, CustomStringConvertible {
    /// A DNS host name, lower-cased. A leading `*.` (as in `*.example.com`) stands for any subdomain.
    case host(String)
    /// A single IPv4 or IPv6 address.
    case address(IPAddress)
    /// A CIDR range.
    case network(IPNetwork)

    /// Parses one entry. Text containing `/` must be a CIDR range; text made of digits and dots,
    /// or containing `:`, must be an IP address; anything else must be a host name (no port, no scheme).
    public init(parsing text: String) throws(InvalidValue) {
        if text.contains("/") {
            do {
                self = .network(try IPNetwork(cidr: text))
            } catch {
                throw InvalidValue("\"\(text)\" is not a valid CIDR range: \(error)")
            }
            return
        }
        if let address = IPAddress(text) {
            self = .address(address)
            return
        }
        if text.contains(":") {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            if parts.count == 2, !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
                HostName.isValid(String(parts[0])) || IPAddress(String(parts[0])) != nil
            {
                throw InvalidValue("\"\(text)\": entries are hosts or addresses without a port")
            }
            throw InvalidValue("\"\(text)\" is not a valid IPv6 address")
        }
        if text.allSatisfy({ $0 == "." || ($0.isASCII && $0.isNumber) }) {
            throw InvalidValue("\"\(text)\" is not a valid IPv4 address")
        }
        let host = text.hasPrefix("*.") ? String(text.dropFirst(2)) : text
        guard HostName.isValid(host) else {
            throw InvalidValue(
                "\"\(text)\" is not a host name, IP address or CIDR range (e.g. cdn.example.com, *.example.com, "
                    + "203.0.113.7, 10.0.0.0/8, 2001:db8::/32)")
        }
        self = .host(text.lowercased())
    }

    /// The entry as written in the allowlist.
    public var description: String {
        switch self {
        case .host(let host): return host
        case .address(let address): return address.description
        case .network(let network): return network.description
        }
    }
}
