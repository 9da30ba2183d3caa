/// Where the value of a record too large for the dead-letter topic is kept (an object store).
///
/// Archiving the same record again (after a failure or a restart) must overwrite the same object, so the object
/// is named from the topic, partition and offset.
public protocol DeadLetterArchive: Sendable {
    /// Stores `value`, the value of the record at `topic`/`partition`/`offset`, and returns its URL: an absolute
    /// URI of printable ASCII without spaces (it goes into header `assetforge_dlq_object_url`).
    func archive(_ value: [UInt8], topic: String, partition: Int32, offset: Int64) async throws -> String
}
