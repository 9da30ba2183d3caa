import Events
import Foundation
import Ledger

/// Opens stores of one backend on one storage (a file, a database), for ``LedgerConformance``.
///
/// The storage is empty before the first ``open()``. Every call opens a new store on the same storage, with its own
/// connections, as another process would: checks use that for restarts and for two "processes" at once.
protocol LedgerStoreFactory: Sendable {
    /// A new store on this factory's storage.
    func open() async throws -> any LedgerStore
}

extension LedgerStoreFactory {
    /// Runs `body` with a newly opened store and closes the store afterwards, also when `body` throws.
    func withStore<T>(_ body: (any LedgerStore) async throws -> T) async throws -> T {
        let store = try await open()
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }
}

/// Commands, keys and times for the checks. Times are whole milliseconds, which every backend keeps exactly.
enum LedgerFixtures {
    /// The checks' clock starts here.
    static let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    /// `t0` plus `milliseconds`.
    static func at(_ milliseconds: Int) -> Date {
        Date(timeIntervalSince1970: 1_750_000_000 + Double(milliseconds) / 1000)
    }

    /// `t0` plus `seconds`.
    static func at(seconds: Int) -> Date {
        at(seconds * 1000)
    }

    /// A 64-hex-digit key made from `number` (so keys sort like their numbers).
    static func key(_ number: Int) -> String {
        let hex = String(number, radix: 16)
        return String(repeating: "0", count: 64 - hex.count) + hex
    }

    /// A command with key `key(number)`.
    static func command(
        _ number: Int, sku: String = "SKU-1", kind: AssetKind = .marketingImage, role: String? = nil,
        revision: Int = 0, specification: [UInt8]? = nil
    ) -> LedgerCommand {
        LedgerCommand(
            key: key(number), sku: sku, kind: kind, variant: kind == .marketingImage ? "studio" : nil,
            locale: kind == .copy ? "zh-CN" : nil, role: role, revision: revision,
            dependsOn: kind == .video ? key(number + 1_000_000) : nil,
            specification: specification ?? Array("{\"command\":\(number)}".utf8),
            sourceEvent: SourceEvent(id: "event-\(number)", source: "/catalog", type: "product.listed"))
    }
}
