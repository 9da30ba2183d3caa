/// The outcome of one timed loop.
struct Measurement: Sendable {
    /// Messages acknowledged (produce) or received (consume).
    var messages: Int
    /// Messages the loop was asked for.
    var expected: Int
    /// Length of the timed part.
    var seconds: Double
    /// CPU seconds (user + system) the whole benchmark process used during the timed part, librdkafka's
    /// threads included (the broker's are not).
    var cpuSeconds: Double
    /// What went wrong, if anything.
    var error: String?

    /// Messages per second over the timed part.
    var rate: Double { seconds > 0 ? Double(messages) / seconds : 0 }

    /// Process CPU microseconds per message.
    var cpuMicrosecondsPerMessage: Double { messages > 0 ? cpuSeconds * 1e6 / Double(messages) : 0 }

    /// Whether messages were lost (fewer acknowledged or received than asked for) or the loop failed.
    var lostMessages: Bool { messages < expected || error != nil }
}
