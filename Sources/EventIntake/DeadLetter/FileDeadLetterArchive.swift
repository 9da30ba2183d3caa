import Foundation

/// A ``DeadLetterArchive`` in a directory: `<directory>/<topic>/<partition>/<offset>.bin`, written atomically,
/// returned as a `file://` URL. For development and tests; production adapts the object store.
public struct FileDeadLetterArchive: DeadLetterArchive {
    /// The root directory; created when needed.
    public let directory: URL

    /// Creates an archive in `directory`.
    public init(directory: URL) {
        self.directory = directory
    }

    /// Writes `value` to `<directory>/<topic>/<partition>/<offset>.bin` (replacing an earlier copy) and returns
    /// its `file://` URL.
    public func archive(_ value: [UInt8], topic: String, partition: Int32, offset: Int64) async throws -> String {
        let folder = directory.appending(path: Self.pathComponent(topic)).appending(path: String(partition))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appending(path: "\(offset).bin")
        try Data(value).write(to: file, options: .atomic)
        // absoluteString percent-encodes spaces and non-ASCII characters of the directory's path.
        return file.absoluteString
    }

    /// Kafka topic names are `[A-Za-z0-9._-]` and never `.` or `..`; anything else is replaced, to stay inside
    /// the directory whatever the name.
    private static func pathComponent(_ topic: String) -> String {
        let safe = String(topic.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
        return safe.isEmpty || safe == "." || safe == ".." ? "_" + safe : safe
    }
}
