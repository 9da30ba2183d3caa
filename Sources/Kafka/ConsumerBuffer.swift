import DequeModule

/// Messages polled but not yet taken by the application, bounded by count and by bytes.
///
/// Fetching pauses when either bound is reached and resumes once both are back at half, so a slow application
/// holds a bounded amount of memory whatever the message size.
struct ConsumerBuffer: Sendable {
    private var messages: Deque<KafkaConsumerMessage> = []
    private var bytes = 0
    let maximumMessages: Int
    let maximumBytes: Int

    init(maximumMessages: Int, maximumBytes: Int) {
        self.maximumMessages = maximumMessages
        self.maximumBytes = maximumBytes
    }

    var isEmpty: Bool { messages.isEmpty }
    var count: Int { messages.count }

    /// At or over either bound: fetching should pause.
    var isFull: Bool { messages.count >= maximumMessages || bytes >= maximumBytes }

    /// Both back at half: fetching may resume.
    var isHalfDrained: Bool { messages.count <= maximumMessages / 2 && bytes <= maximumBytes / 2 }

    mutating func append(_ message: KafkaConsumerMessage) {
        messages.append(message)
        bytes += Self.size(of: message)
    }

    mutating func popFirst() -> KafkaConsumerMessage? {
        guard let message = messages.popFirst() else { return nil }
        bytes -= Self.size(of: message)
        return message
    }

    mutating func removeAll(where shouldRemove: (KafkaConsumerMessage) -> Bool) {
        messages.removeAll(where: shouldRemove)
        bytes = messages.reduce(0) { $0 + Self.size(of: $1) }
    }

    mutating func removeAll() {
        messages.removeAll()
        bytes = 0
    }

    static func size(of message: KafkaConsumerMessage) -> Int {
        var size = message.value.count + (message.key?.count ?? 0)
        for header in message.headers { size += header.key.utf8.count + (header.value?.count ?? 0) }
        return size
    }
}
