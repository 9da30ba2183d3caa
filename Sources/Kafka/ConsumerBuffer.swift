import DequeModule

/// Something a ``ConsumerBuffer`` can hold: it knows its size in bytes.
protocol BufferedMessage {
    var byteCount: Int { get }
}

/// Messages polled but not yet taken by the application, bounded by count and by bytes.
///
/// Fetching pauses when either bound is reached and resumes once both are back at half, so a slow application
/// holds a bounded amount of memory whatever the message size. Removed messages are returned to the caller,
/// which owns them.
struct ConsumerBuffer<Message: BufferedMessage> {
    private var messages: Deque<Message> = []
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

    mutating func append(_ message: Message) {
        messages.append(message)
        bytes += message.byteCount
    }

    mutating func popFirst() -> Message? {
        guard let message = messages.popFirst() else { return nil }
        bytes -= message.byteCount
        return message
    }

    /// Removes and returns the messages matching `shouldRemove`, keeping the others in order.
    @discardableResult
    mutating func removeAll(where shouldRemove: (Message) -> Bool) -> [Message] {
        var removed: [Message] = []
        var kept: Deque<Message> = []
        for message in messages {
            if shouldRemove(message) {
                removed.append(message)
                bytes -= message.byteCount
            } else {
                kept.append(message)
            }
        }
        if !removed.isEmpty { messages = kept }
        return removed
    }

    /// Removes and returns every message.
    @discardableResult
    mutating func removeAll() -> [Message] {
        defer {
            messages.removeAll()
            bytes = 0
        }
        return Array(messages)
    }
}

extension PolledMessage: BufferedMessage {}
