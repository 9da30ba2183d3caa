import Foundation

/// A command's durable record: its plan, its state and everything learned on the way.
public struct LedgerEntry: Sendable, Hashable {
    /// The planned command.
    public var command: LedgerCommand
    /// The current state.
    public var state: LedgerState
    /// Submissions made so far (a resubmission after a lost answer counts).
    public var attempts: Int
    /// The provider that accepted it, e.g. `kling`.
    public var provider: String?
    /// The provider's task id.
    public var providerTaskID: String?
    /// The pipeline's progress record (submitted task, provider result), opaque to the ledger.
    public var progress: [UInt8]?
    /// Where the result is stored, once it is.
    public var stored: StoredResult?
    /// What the generation cost, CNY.
    public var costCNY: Decimal?
    /// The outcome event, recorded before it is published so a republish is byte-identical.
    public var envelope: LedgerEnvelope?
    /// Why it failed (a kebab-case reason), when it did.
    public var failureReason: String?
    /// Detail for operators, when it failed.
    public var failureMessage: String?
    /// The command a resolved promotion became (state ``LedgerState/resolved``).
    public var resolvedTo: String?
    /// Not to be claimed before this time (backoff, waiting for a dependency or a budget).
    public var notBefore: Date?
    /// The current claim, if any (owner and expiry); expired leases may be taken over.
    public var lease: Lease?
    /// When it was planned.
    public var plannedAt: Date
    /// When it last changed.
    public var updatedAt: Date

    /// An entry.
    public init(
        command: LedgerCommand, state: LedgerState = .planned, attempts: Int = 0, provider: String? = nil,
        providerTaskID: String? = nil, progress: [UInt8]? = nil, stored: StoredResult? = nil, costCNY: Decimal? = nil,
        envelope: LedgerEnvelope? = nil, failureReason: String? = nil, failureMessage: String? = nil,
        resolvedTo: String? = nil, notBefore: Date? = nil, lease: Lease? = nil, plannedAt: Date, updatedAt: Date
    ) {
        self.command = command
        self.state = state
        self.attempts = attempts
        self.provider = provider
        self.providerTaskID = providerTaskID
        self.progress = progress
        self.stored = stored
        self.costCNY = costCNY
        self.envelope = envelope
        self.failureReason = failureReason
        self.failureMessage = failureMessage
        self.resolvedTo = resolvedTo
        self.notBefore = notBefore
        self.lease = lease
        self.plannedAt = plannedAt
        self.updatedAt = updatedAt
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
