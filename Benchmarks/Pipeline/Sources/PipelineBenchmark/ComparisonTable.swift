import Foundation

/// Several sides measured in the same interleaved runs, as Markdown: per side the median rate, its range and the
/// per-run rates, the process's CPU per operation and how busy the machine was; then the chosen ratios, per run.
struct ComparisonTable {
    /// One measured side (e.g. "PostgreSQL ×3", or "entry, 16 callers, SQLite").
    struct Side {
        var name: String
        var runs: [Sample] = []
    }

    /// One run of one side.
    struct Sample {
        /// Operations (or events) per second.
        var rate: Double
        /// CPU of this process per operation, µs (a PostgreSQL server's CPU is not in it).
        var cpuMicroseconds: Double
        /// The busy share of the whole machine's CPUs while it was timed (0…1).
        var machineBusy: Double
    }

    /// A ratio of two sides' rates, taken run by run.
    struct Ratio {
        var name: String
        var numerator: String
        var denominator: String
    }

    /// What is counted: "event" or "op" (rates are per second of it).
    let item: String
    let sides: [Side]
    let ratios: [Ratio]

    func print() {
        var lines = [
            "| side | median \(item)s/s | min–max | per run | CPU µs/\(item) (this process) | machine busy |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for side in sides {
            let rates = side.runs.map(\.rate)
            lines.append(
                "| \(side.name) | \(Self.integer(ResultsTable.median(rates))) | "
                    + "\(Self.integer(rates.min() ?? 0))–\(Self.integer(rates.max() ?? 0)) | "
                    + rates.map(Self.integer).joined(separator: " / ") + " | "
                    + String(
                        format: "%.1f | %.0f %% |", ResultsTable.median(side.runs.map(\.cpuMicroseconds)),
                        100 * ResultsTable.median(side.runs.map(\.machineBusy))))
        }
        if !ratios.isEmpty {
            lines += ["", "| ratio | median of per-run ratios | per run |", "| --- | ---: | ---: |"]
            for ratio in ratios {
                guard let numerator = sides.first(where: { $0.name == ratio.numerator }),
                    let denominator = sides.first(where: { $0.name == ratio.denominator })
                else { continue }
                let perRun = zip(numerator.runs, denominator.runs).map { $0.rate / $1.rate }
                lines.append(
                    "| \(ratio.name) | " + String(format: "%.2f", ResultsTable.median(perRun)) + " | "
                        + perRun.map { String(format: "%.2f", $0) }.joined(separator: " / ") + " |")
            }
        }
        Swift.print(lines.joined(separator: "\n"))
    }

    /// `12,345`.
    private static func integer(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var grouped = ""
        for (index, digit) in digits.reversed().enumerated() {
            if index > 0, index % 3 == 0, digit != "-" { grouped.append(",") }
            grouped.append(digit)
        }
        return String(grouped.reversed())
    }
}
