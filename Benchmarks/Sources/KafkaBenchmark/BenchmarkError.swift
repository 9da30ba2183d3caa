/// A failure of the benchmark itself (bad options, a broker problem, a loop that could not run).
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
