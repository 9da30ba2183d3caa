import AssetForgeConfiguration
import Testing

@testable import SafeFetch

/// Address classification and allowlist matching, without any network.
@Suite struct DestinationPolicyTests {
    @Test(
        "internal addresses",
        arguments: [
            "127.0.0.1", "127.255.0.9", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.0.1", "169.254.169.254",
            "100.100.100.200", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1",
            "fd00:ec2::254", "::ffff:10.1.2.3", "::ffff:127.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "ff02::1",
        ])
    func internalAddresses(text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(DestinationPolicy.isInternal(address))
        #expect(!DestinationPolicy().permits(address, host: text))
    }

    @Test(
        "public addresses", arguments: ["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "::ffff:8.8.8.8"])
    func publicAddresses(text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(!DestinationPolicy.isInternal(address))
        #expect(DestinationPolicy().permits(address, host: text))
    }

    @Test func allowlistEntries() throws {
        let policy = DestinationPolicy(
            allowlist: try ["10.0.0.0/8", "127.0.0.1", "*.cdn.example", "assets.internal.example"].map {
                try FetchAllowlistEntry(parsing: $0)
            })
        #expect(policy.permits(IPAddress("10.9.8.7")!, host: "10.9.8.7"))
        #expect(policy.permits(IPAddress("::ffff:10.9.8.7")!, host: "x"))
        #expect(policy.permits(IPAddress("127.0.0.1")!, host: "127.0.0.1"))
        #expect(!policy.permits(IPAddress("127.0.0.2")!, host: "127.0.0.2"))
        #expect(policy.permits(IPAddress("192.168.1.1")!, host: "img.cdn.example"))
        #expect(!policy.permits(IPAddress("192.168.1.1")!, host: "cdn.example"))
        #expect(policy.permits(IPAddress("192.168.1.1")!, host: "ASSETS.internal.example."))
        #expect(!policy.permits(IPAddress("169.254.169.254")!, host: "evil.example"))
    }

    @Test func blockedNames() {
        for name in ["localhost", "LOCALHOST.", "a.localhost", "metadata.google.internal"] {
            #expect(DestinationPolicy.isBlockedName(name))
        }
        #expect(!DestinationPolicy.isBlockedName("example.com"))
    }
}
