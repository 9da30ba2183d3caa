import CRelayLoop
import Foundation

/// CPU time (user + system) of the whole process, librdkafka's and SQLite's threads included.
enum ProcessCPU {
    static func seconds() -> Double {
        crl_process_cpu()
    }

    /// Peak resident set size (VmHWM from /proc/self/status), bytes; 0 when unknown.
    static func peakResidentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? ""
            return (Int(digits) ?? 0) * 1024
        }
        return 0
    }
}
