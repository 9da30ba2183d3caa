import AssetForgeConfiguration

/// Decides which hosts and addresses may be fetched from.
///
/// Public addresses are allowed. Loopback, private (RFC 1918, ULA), carrier-grade NAT (which holds
/// Alibaba Cloud's metadata service 100.100.100.200), link-local (which holds 169.254.169.254),
/// multicast, reserved, documentation and other special ranges are refused — unless an entry of
/// the allowlist (``FetchAllowlistEntry``) permits the host name, the address or a range holding it.
/// IPv4-mapped, NAT64 and 6to4 IPv6 addresses are judged by the IPv4 address they embed.
public struct DestinationPolicy: Sendable {
    /// Exceptions to the blocked ranges.
    public var allowlist: [FetchAllowlistEntry]

    /// Creates a policy.
    public init(allowlist: [FetchAllowlistEntry] = []) {
        self.allowlist = allowlist
    }

    /// The ranges refused unless allowlisted.
    public static let blockedNetworks: [IPNetwork] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
        "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "100::/64", "2001::/23", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10",
        "ff00::/8",
    ].map { try! IPNetwork(cidr: $0) }

    /// Host names refused before any lookup (they name this machine or a metadata service).
    static func isBlockedName(_ host: String) -> Bool {
        let name = host.lowercased().trimmingSuffixDot()
        return name == "localhost" || name.hasSuffix(".localhost") || name == "metadata.google.internal"
            || name == "metadata" || name.hasSuffix(".internal") && name.hasPrefix("metadata.")
    }

    /// Whether the allowlist names `host` (exactly, or by a `*.` entry for a subdomain).
    public func allowsHost(_ host: String) -> Bool {
        let name = host.lowercased().trimmingSuffixDot()
        return allowlist.contains { entry in
            guard case .host(let pattern) = entry else { return false }
            if pattern.hasPrefix("*.") { return name.hasSuffix(String(pattern.dropFirst(1))) }
            return name == pattern
        }
    }

    /// Whether the allowlist has the address or a range holding it.
    public func allowsAddress(_ address: IPAddress) -> Bool {
        allowlist.contains { entry in
            switch entry {
            case .host: return false
            case .address(let allowed): return allowed == address || Self.embeddedIPv4(address) == allowed
            case .network(let network):
                return network.contains(address) || Self.embeddedIPv4(address).map(network.contains) == true
            }
        }
    }

    /// Whether `address` is in a refused range (ignoring the allowlist).
    public static func isInternal(_ address: IPAddress) -> Bool {
        if let embedded = embeddedIPv4(address) { return isInternal(embedded) }
        return blockedNetworks.contains { $0.contains(address) }
    }

    /// Whether `address` may be connected to, for a URL whose host is `host`.
    public func permits(_ address: IPAddress, host: String) -> Bool {
        !Self.isInternal(address) || allowsHost(host) || allowsAddress(address)
    }

    /// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`),
    /// NAT64 (`64:ff9b::/96`) or 6to4 (`2002::/16`) IPv6 address.
    static func embeddedIPv4(_ address: IPAddress) -> IPAddress? {
        let bytes = address.bytes
        guard bytes.count == 16 else { return nil }
        let zeros10 = bytes[0..<10].allSatisfy { $0 == 0 }
        if zeros10, bytes[10] == 0xFF, bytes[11] == 0xFF { return IPAddress(bytes: Array(bytes[12..<16])) }
        if zeros10, bytes[10] == 0, bytes[11] == 0, bytes[12..<16].contains(where: { $0 != 0 }),
            !(bytes[12..<15].allSatisfy { $0 == 0 } && bytes[15] == 1)
        {
            return IPAddress(bytes: Array(bytes[12..<16]))
        }
        if bytes[0] == 0x00, bytes[1] == 0x64, bytes[2] == 0xFF, bytes[3] == 0x9B, bytes[4..<12].allSatisfy({ $0 == 0 })
        {
            return IPAddress(bytes: Array(bytes[12..<16]))
        }
        if bytes[0] == 0x20, bytes[1] == 0x02 { return IPAddress(bytes: Array(bytes[2..<6])) }
        return nil
    }
}

extension String {
    fileprivate func trimmingSuffixDot() -> String {
        hasSuffix(".") ? String(dropLast()) : self
    }
}
