import Foundation

/// One interleaved pair of measurements: the Swift binding and the C loop on the same broker, back to back.
/// A side is nil when the run left it out (`--side`).
struct Pair {
    var swift: Measurement?
    var c: Measurement?
    var swiftFirst: Bool

    var ratio: Double? {
        guard let swift, let c, c.rate > 0 else { return nil }
        return swift.rate / c.rate
    }

    var lostMessages: Bool { swift?.lostMessages == true || c?.lostMessages == true }
}

/// Prints per-run figures, medians and Swift/C ratios as a Markdown table.
struct ResultsTable {
    let title: String
    let pairs: [Pair]

    private var swiftRates: [Double] { pairs.compactMap { $0.swift?.rate } }
    private var cRates: [Double] { pairs.compactMap { $0.c?.rate } }

    /// Median Swift rate / median C rate, when both sides ran.
    var ratioOfMedians: Double? {
        guard !swiftRates.isEmpty, !cRates.isEmpty, median(cRates) > 0 else { return nil }
        return median(swiftRates) / median(cRates)
    }

    func render() -> String {
        var lines = [
            "\(title)",
            "",
            "| run | order | Swift msg/s | C msg/s | Swift/C | Swift CPU µs/msg | C CPU µs/msg |",
            "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for (index, pair) in pairs.enumerated() {
            let cells = [
                "\(index + 1)",
                pair.swiftFirst ? "Swift, C" : "C, Swift",
                rate(pair.swift),
                rate(pair.c),
                pair.ratio.map(percent) ?? "–",
                pair.swift.map { String(format: "%.2f", $0.cpuMicrosecondsPerMessage) } ?? "–",
                pair.c.map { String(format: "%.2f", $0.cpuMicrosecondsPerMessage) } ?? "–",
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        let medians = [
            "median",
            "",
            swiftRates.isEmpty ? "–" : grouped(median(swiftRates)),
            cRates.isEmpty ? "–" : grouped(median(cRates)),
            ratioOfMedians.map(percent) ?? "–",
            cpuMedian(pairs.compactMap(\.swift)),
            cpuMedian(pairs.compactMap(\.c)),
        ]
        lines.append("| " + medians.joined(separator: " | ") + " |")
        let ratios = pairs.compactMap(\.ratio)
        if !ratios.isEmpty {
            lines.append("")
            lines.append("Median of the per-run ratios: \(percent(median(ratios))).")
        }
        return lines.joined(separator: "\n")
    }

    private func rate(_ measurement: Measurement?) -> String {
        guard let measurement else { return "–" }
        guard measurement.lostMessages else { return grouped(measurement.rate) }
        return "\(grouped(measurement.rate)) (LOST: \(measurement.messages)/\(measurement.expected))"
    }

    private func cpuMedian(_ measurements: [Measurement]) -> String {
        measurements.isEmpty ? "–" : String(format: "%.2f", median(measurements.map(\.cpuMicrosecondsPerMessage)))
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
