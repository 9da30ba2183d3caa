import Foundation

/// The CPU time of the whole machine, every process included (the `cpu` line of /proc/stat, in clock ticks): how busy
/// the shared machine was during a timed part.
struct MachineCPU: Sendable {
    /// Ticks not idle: user, nice, system, irq, softirq and steal.
    var busy: UInt64
    /// All ticks, idle and iowait included.
    var total: UInt64

    /// The counters now; zero when /proc/stat cannot be read.
    static func now() -> MachineCPU {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = stat.split(separator: "\n").first, line.hasPrefix("cpu ")
        else { return MachineCPU(busy: 0, total: 0) }
        // user nice system idle iowait irq softirq steal [guest guest_nice, already counted in user and nice]
        let ticks = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        guard ticks.count >= 8 else { return MachineCPU(busy: 0, total: 0) }
        let total = ticks.prefix(8).reduce(0, +)
        return MachineCPU(busy: total - ticks[3] - ticks[4], total: total)
    }

    /// The busy share of all the machine's CPUs between `earlier` and these counters (0…1); 0 when unknown.
    func busyFraction(since earlier: MachineCPU) -> Double {
        guard total > earlier.total else { return 0 }
        return Double(busy - earlier.busy) / Double(total - earlier.total)
    }
}
