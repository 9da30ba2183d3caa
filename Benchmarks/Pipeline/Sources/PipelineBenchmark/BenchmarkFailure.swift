/// A benchmark run that could not be measured (lost messages, a timeout, a failed seed).
struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
