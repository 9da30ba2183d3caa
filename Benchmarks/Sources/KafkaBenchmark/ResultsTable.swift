import Foundation

/// One interleaved pair of measurements: the Swift binding and the C loop on the same broker, back to back.
struct Pair {
    var swift: Measurement
    var c: Measurement
    var swiftFirst: Bool

    var ratio: Double { c.rate > 0 ? swift.rate / c.rate : 0 }
}

/// Prints per-run figures, medians and Swift/C ratios as a Markdown table.
struct ResultsTable {
    let title: String
    let pairs: [Pair]

    /// Median Swift rate / median C rate.
    var ratioOfMedians: Double {
        let c = median(pairs.map(\.c.rate))
        return c > 0 ? median(pairs.map(\.swift.rate)) / c : 0
    }

    func render() -> String {
        var lines = [
            "\(title)",
            "",
            "| run | order | Swift msg/s | C msg/s | Swift/C |",
            "| ---: | --- | ---: | ---: | ---: |",
        ]
        for (index, pair) in pairs.enumerated() {
            lines.append(
                "| \(index + 1) | \(pair.swiftFirst ? "Swift, C" : "C, Swift") | \(rate(pair.swift)) | \(rate(pair.c)) | "
                    + "\(percent(pair.ratio)) |"
            )
        }
        lines.append(
            "| median | | \(grouped(median(pairs.map(\.swift.rate)))) | \(grouped(median(pairs.map(\.c.rate)))) | "
                + "\(percent(ratioOfMedians)) |"
        )
        lines.append("")
        lines.append("Median of the per-run ratios: \(percent(median(pairs.map(\.ratio)))).")
        return lines.joined(separator: "\n")
    }

    private func rate(_ measurement: Measurement) -> String {
        measurement.lostMessages ? "\(grouped(measurement.rate)) (LOST: \(measurement.messages)/\(measurement.expected))" : grouped(measurement.rate)
    }
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

func grouped(_ value: Double) -> String {
    let digits = String(Int(value.rounded()))
    var result = ""
    for (offset, character) in digits.reversed().enumerated() {
        if offset > 0 && offset % 3 == 0 { result.append(",") }
        result.append(character)
    }
    return String(result.reversed())
}

func percent(_ value: Double) -> String {
    String(format: "%.1f %%", value * 100)
}
