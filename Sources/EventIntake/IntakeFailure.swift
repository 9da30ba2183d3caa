/// An event a ``EventIntake/BatchHandler`` could not handle, and why: the intake dead-letters its record with
/// reason `processing-failed`.
public struct IntakeFailure: Sendable {
    /// The delivery that failed.
    public let delivery: IntakeDelivery
    /// What went wrong; its description goes into the dead-letter copy's detail header.
    public let error: any Error

    /// A failure of `delivery` for `error`.
    public init(delivery: IntakeDelivery, error: any Error) {
        self.delivery = delivery
        self.error = error
    }
}
