/// One timed run of one side.
struct RunMeasurement: Sendable {
    /// Records handled (consumed, fanned out, committed).
    var events: Int
    /// Messages produced and acknowledged.
    var produced: Int
    /// Seconds from the first record to the final commit.
    var seconds: Double
    /// CPU seconds of the whole process during the timed part.
    var cpuSeconds: Double
    /// The busy share of the whole machine's CPUs during the timed part (0…1; every process, the broker's too).
    var machineBusy: Double = 0

    var eventsPerSecond: Double { Double(events) / seconds }
    var cpuMicrosecondsPerEvent: Double { cpuSeconds * 1e6 / Double(events) }
}
