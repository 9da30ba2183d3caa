import Foundation
import Providers

/// What the executor learned about a command, kept in ``Ledger/LedgerEntry/progress`` between steps.
struct CommandProgress: Sendable, Hashable, Codable {
    /// The accepted task (state `submitted` on).
    var task: SubmittedTask?
    /// The provider's result (state `fetched` on).
    var result: ProviderResult?
    /// Pixel size of a stored image.
    var width: Int?
    /// See ``width``.
    var height: Int?
    /// The providers tried, in order.
    var providersTried: [String] = []

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? Array(encoder.encode(self))) ?? []
    }

    static func decode(_ bytes: [UInt8]?) -> CommandProgress {
        guard let bytes, !bytes.isEmpty else { return CommandProgress() }
        return (try? JSONDecoder().decode(CommandProgress.self, from: Data(bytes))) ?? CommandProgress()
    }
}
