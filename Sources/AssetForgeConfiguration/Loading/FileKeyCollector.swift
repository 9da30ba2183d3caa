import Synchronization

/// Records every leaf key a file snapshot parses.
///
/// swift-configuration's file snapshots do not list their keys, but they ask their `SecretsSpecifier`
/// about every value while parsing; a `.dynamic` specifier that records the key (and answers whether it
/// is secret) gives the full key list needed to report unknown keys.
final class FileKeyCollector: Sendable {
    private let keys = Mutex<Set<String>>([])

    /// Adds a key.
    func record(_ key: String) {
        _ = keys.withLock { $0.insert(key) }
    }

    /// The keys recorded so far.
    var recordedKeys: Set<String> {
        keys.withLock { $0 }
    }
}
