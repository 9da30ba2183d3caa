/// A CIDR range such as `10.0.0.0/8` or `2001:db8::/32`.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The first address of the range; its host bits are zero.
    public let address: IPAddress
    /// The number of leading bits that are fixed: 0–32 for IPv4, 0–128 for IPv6.
    public let prefixLength: Int

    /// Why a CIDR string was rejected.
    public enum ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The text is not `ADDRESS/PREFIX`.
        case notCIDR
        /// The part before `/` is not an IPv4 or IPv6 address.
        case invalidAddress(String)
        /// The prefix length is not a whole number in range for the address family.
        case invalidPrefixLength(String, maximum: Int)
        /// Bits after the prefix are set, so the range is ambiguous; `suggestion` is the network address.
        case hostBitsSet(suggestion: String)

        /// A readable explanation, naming what is allowed.
        public var description: String {
            switch self {
            case .notCIDR:
                return "expected ADDRESS/PREFIX, e.g. 10.0.0.0/8 or 2001:db8::/32"
            case .invalidAddress(let text):
                return "\"\(text)\" is not a valid IPv4 or IPv6 address"
            case .invalidPrefixLength(let text, let maximum):
                return "prefix length \"\(text)\" must be a whole number from 0 to \(maximum)"
            case .hostBitsSet(let suggestion):
                return "bits after the prefix are set; did you mean \(suggestion)?"
            }
        }
    }

    /// Parses `ADDRESS/PREFIX`, rejecting ranges whose host bits are not zero.
    public init(cidr text: String) throws(ParseError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .notCIDR }
        guard let address = IPAddress(String(parts[0])) else { throw .invalidAddress(String(parts[0])) }
        let maximum = address.bytes.count * 8
        guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let prefix = Int(parts[1]),
            (0...maximum).contains(prefix)
        else { throw .invalidPrefixLength(String(parts[1]), maximum: maximum) }
        let masked = Self.mask(address.bytes, prefixLength: prefix)
        guard masked == address.bytes else {
            throw .hostBitsSet(suggestion: "\(IPAddress(bytes: masked)!)/\(prefix)")
        }
        self.address = address
        self.prefixLength = prefix
    }

    /// Whether `candidate` lies in this range. Addresses of the other family never match.
    public func contains(_ candidate: IPAddress) -> Bool {
        candidate.bytes.count == address.bytes.count
            && Self.mask(candidate.bytes, prefixLength: prefixLength) == address.bytes
    }

    /// `ADDRESS/PREFIX`.
    public var description: String { "\(address)/\(prefixLength)" }

    private static func mask(_ bytes: [UInt8], prefixLength: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let bitsInByte = min(max(prefixLength - index * 8, 0), 8)
            return bitsInByte == 0 ? 0 : byte & ~(UInt8.max >> bitsInByte)
        }
    }
}
