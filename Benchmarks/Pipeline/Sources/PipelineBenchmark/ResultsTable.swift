import Foundation

/// The per-run table and the medians, as Markdown.
struct ResultsTable {
    let assetForge: [RunMeasurement]
    let cLoop: [RunMeasurement]

    func print() {
        var lines = [
            "| run | order | AssetForge events/s | C events/s | AF/C | AF CPU µs/event | C CPU µs/event |",
            "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for (index, (swift, c)) in zip(assetForge, cLoop).enumerated() {
            lines.append(
                "| \(index + 1) | \(index % 2 == 0 ? "AF, C" : "C, AF") | \(Self.rate(swift)) | \(Self.rate(c)) | "
                    + String(format: "%.1f %%", 100 * swift.eventsPerSecond / c.eventsPerSecond)
                    + String(format: " | %.1f | %.1f |", swift.cpuMicrosecondsPerEvent, c.cpuMicrosecondsPerEvent))
        }
        let swiftRate = Self.median(assetForge.map(\.eventsPerSecond))
        let cRate = Self.median(cLoop.map(\.eventsPerSecond))
        lines.append(
            "| median | | \(Int(swiftRate)) | \(Int(cRate)) | "
                + String(format: "%.1f %%", 100 * swiftRate / cRate)
                + String(
                    format: " | %.1f | %.1f |", Self.median(assetForge.map(\.cpuMicrosecondsPerEvent)),
                    Self.median(cLoop.map(\.cpuMicrosecondsPerEvent))))
        let perRun = Self.median(zip(assetForge, cLoop).map { 100 * $0.eventsPerSecond / $1.eventsPerSecond })
        lines.append("")
        lines.append(String(format: "Median of the per-run ratios: %.1f %%.", perRun))
        Swift.print(lines.joined(separator: "\n"))
    }

    private static func rate(_ run: RunMeasurement) -> String { "\(Int(run.eventsPerSecond))" }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
