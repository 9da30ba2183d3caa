/// One bootstrap broker, `host:port`.
public struct KafkaBroker: Sendable, Hashable, CustomStringConvertible {
    /// A host name, an IPv4 address, or an IPv6 address (without brackets).
    public var host: String
    /// The TCP port, 1–65535.
    public var port: Int

    /// Creates a broker address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, `1.2.3.4:port` or `[ipv6]:port`.
    ///
    /// - Throws: a readable reason when the text is not of that form.
    public init(parsing text: String) throws(InvalidValue) {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[close...].hasPrefix("]:") else {
                throw InvalidValue("\"\(text)\" is not host:port (write IPv6 addresses as [addr]:port)")
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
            guard let address = IPAddress(String(hostPart)), !address.isIPv4 else {
                throw InvalidValue("\"\(text)\": \"\(hostPart)\" is not an IPv6 address")
            }
        } else {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw InvalidValue(
                    "\"\(text)\" is not host:port (e.g. kafka-1:9092; write IPv6 addresses as [addr]:port)")
            }
            hostPart = parts[0]
            portPart = parts[1]
            guard IPAddress(String(hostPart)) != nil || HostName.isValid(String(hostPart)) else {
                throw InvalidValue("\"\(text)\": \"\(hostPart)\" is not a valid host name or IP address")
            }
        }
        guard portPart.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portPart), (1...65535).contains(port)
        else {
            throw InvalidValue("\"\(text)\": port \"\(portPart)\" must be a whole number from 1 to 65535")
        }
        self.init(host: String(hostPart), port: port)
    }

    /// `host:port`, with IPv6 hosts in brackets.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
