import CopyOnWrite
import Foundation

/// A command's durable record: its plan, its state and everything learned on the way.
///
/// Its fields live behind one shared reference (copied on write): the pipeline passes entries through the async
/// frames of thousands of waiting commands, where each copy of the record itself would take 480 bytes.
public struct LedgerEntry: Sendable, Hashable {
    private struct Fields: Sendable, Hashable {
        var command: LedgerCommand
        var state: LedgerState
        var attempts: Int
        var provider: String?
        var providerTaskID: String?
        var progress: [UInt8]?
        var stored: StoredResult?
        var costCNY: Decimal?
        var envelope: LedgerEnvelope?
        var failureReason: String?
        var failureMessage: String?
        var resolvedTo: String?
        var notBefore: Date?
        var lease: Lease?
        var plannedAt: Date
        var updatedAt: Date
    }

    private var fields: CopyOnWriteBox<Fields>

    /// The planned command.
    public var command: LedgerCommand {
        get { fields.value.command }
        set { fields.value.command = newValue }
    }
    /// The current state.
    public var state: LedgerState {
        get { fields.value.state }
        set { fields.value.state = newValue }
    }
    /// Submissions made so far (a resubmission after a lost answer counts).
    public var attempts: Int {
        get { fields.value.attempts }
        set { fields.value.attempts = newValue }
    }
    /// The provider that accepted it, e.g. `kling`.
    public var provider: String? {
        get { fields.value.provider }
        set { fields.value.provider = newValue }
    }
    /// The provider's task id.
    public var providerTaskID: String? {
        get { fields.value.providerTaskID }
        set { fields.value.providerTaskID = newValue }
    }
    /// The pipeline's progress record (submitted task, provider result), opaque to the ledger.
    public var progress: [UInt8]? {
        get { fields.value.progress }
        set { fields.value.progress = newValue }
    }
    /// Where the result is stored, once it is.
    public var stored: StoredResult? {
        get { fields.value.stored }
        set { fields.value.stored = newValue }
    }
    /// What the generation cost, CNY.
    public var costCNY: Decimal? {
        get { fields.value.costCNY }
        set { fields.value.costCNY = newValue }
    }
    /// The outcome event, recorded before it is published so a republish is byte-identical.
    public var envelope: LedgerEnvelope? {
        get { fields.value.envelope }
        set { fields.value.envelope = newValue }
    }
    /// Why it failed (a kebab-case reason), when it did.
    public var failureReason: String? {
        get { fields.value.failureReason }
        set { fields.value.failureReason = newValue }
    }
    /// Detail for operators, when it failed.
    public var failureMessage: String? {
        get { fields.value.failureMessage }
        set { fields.value.failureMessage = newValue }
    }
    /// The command a resolved promotion became (state ``LedgerState/resolved``).
    public var resolvedTo: String? {
        get { fields.value.resolvedTo }
        set { fields.value.resolvedTo = newValue }
    }
    /// Not to be claimed before this time (backoff, waiting for a dependency or a budget).
    public var notBefore: Date? {
        get { fields.value.notBefore }
        set { fields.value.notBefore = newValue }
    }
    /// The current claim, if any (owner and expiry); expired leases may be taken over.
    public var lease: Lease? {
        get { fields.value.lease }
        set { fields.value.lease = newValue }
    }
    /// When it was planned.
    public var plannedAt: Date {
        get { fields.value.plannedAt }
        set { fields.value.plannedAt = newValue }
    }
    /// When it last changed.
    public var updatedAt: Date {
        get { fields.value.updatedAt }
        set { fields.value.updatedAt = newValue }
    }

    /// An entry.
    public init(
        command: LedgerCommand, state: LedgerState = .planned, attempts: Int = 0, provider: String? = nil,
        providerTaskID: String? = nil, progress: [UInt8]? = nil, stored: StoredResult? = nil, costCNY: Decimal? = nil,
        envelope: LedgerEnvelope? = nil, failureReason: String? = nil, failureMessage: String? = nil,
        resolvedTo: String? = nil, notBefore: Date? = nil, lease: Lease? = nil, plannedAt: Date, updatedAt: Date
    ) {
        fields = CopyOnWriteBox(
            Fields(
                command: command, state: state, attempts: attempts, provider: provider, providerTaskID: providerTaskID,
                progress: progress, stored: stored, costCNY: costCNY, envelope: envelope, failureReason: failureReason,
                failureMessage: failureMessage, resolvedTo: resolvedTo, notBefore: notBefore, lease: lease,
                plannedAt: plannedAt, updatedAt: updatedAt))
    }

    /// The key.
    public var key: String { command.key }
}

/// Where a result was stored.
public struct StoredResult: Sendable, Hashable, Codable {
    /// The URL published in `asset.ready`.
    public var url: String
    /// The object key in the store.
    public var objectKey: String
    /// SHA-256 of the stored bytes, lowercase hexadecimal.
    public var sha256: String
    /// Stored size in bytes.
    public var bytes: Int64
    /// The stored media type.
    public var contentType: String

    /// A stored result.
    public init(url: String, objectKey: String, sha256: String, bytes: Int64, contentType: String) {
        self.url = url
        self.objectKey = objectKey
        self.sha256 = sha256
        self.bytes = bytes
        self.contentType = contentType
    }
}

/// An outcome event exactly as it is (re)published.
public struct LedgerEnvelope: Sendable, Hashable {
    /// The topic it goes to.
    public var topic: String
    /// The CloudEvents id.
    public var eventID: String
    /// The record key.
    public var key: [UInt8]
    /// The record value (structured-mode CloudEvent JSON).
    public var value: [UInt8]

    /// An envelope.
    public init(topic: String, eventID: String, key: [UInt8], value: [UInt8]) {
        self.topic = topic
        self.eventID = eventID
        self.key = key
        self.value = value
    }
}

/// A claim on a command: who holds it, until when, and its fencing version.
public struct Lease: Sendable, Hashable {
    /// The process holding it.
    public var owner: String
    /// When it lapses unless renewed.
    public var expiresAt: Date
    /// Increases with every new claim; an update carrying an older version is refused (fencing).
    public var version: Int64

    /// A lease.
    public init(owner: String, expiresAt: Date, version: Int64) {
        self.owner = owner
        self.expiresAt = expiresAt
        self.version = version
    }
}
