import AssetForgeConfiguration
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns a host name into addresses. The fetcher checks every address it gets and then connects
/// to a checked one itself, so a second, different answer (DNS rebinding) cannot take effect.
public protocol HostResolver: Sendable {
    /// All addresses of `host` (IPv4 and IPv6). Throws when the name does not resolve.
    func resolve(host: String) async throws -> [IPAddress]
}

/// Resolves with the system's `getaddrinfo`, on NIO's thread pool.
public struct SystemHostResolver: HostResolver {
    /// Creates a resolver.
    public init() {}

    public func resolve(host: String) async throws -> [IPAddress] {
        try await NIOThreadPool.singleton.runIfActive {
            try Self.getaddrinfoAddresses(host)
        }
    }

    struct LookupError: Error, CustomStringConvertible {
        var status: Int32
        var description: String { String(cString: gai_strerror(status)) }
    }

    static func getaddrinfoAddresses(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &result)
        guard status == 0 else { throw LookupError(status: status) }
        defer { freeaddrinfo(result) }
        var addresses: [IPAddress] = []
        var cursor = result
        while let info = cursor {
            if let socketAddress = info.pointee.ai_addr {
                switch Int32(socketAddress.pointee.sa_family) {
                case AF_INET:
                    socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        var address = pointer.pointee.sin_addr
                        let bytes = withUnsafeBytes(of: &address) { Array($0) }
                        if let ip = IPAddress(bytes: bytes), !addresses.contains(ip) { addresses.append(ip) }
                    }
                case AF_INET6:
                    socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        var address = pointer.pointee.sin6_addr
                        let bytes = withUnsafeBytes(of: &address) { Array($0) }
                        if let ip = IPAddress(bytes: bytes), !addresses.contains(ip) { addresses.append(ip) }
                    }
                default:
                    break
                }
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }
}
