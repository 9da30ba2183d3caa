import PostgresNIO
import PostgresTestSupport
import Testing

extension PostgresAdmin {
    /// A TCP port on 127.0.0.1 that nothing listened on a moment ago.
    static func freeLoopbackPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port
        try await channel.close()
        return try #require(port)
    }
}
