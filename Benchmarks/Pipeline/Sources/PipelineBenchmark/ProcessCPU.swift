import CRelayLoop
import Foundation

/// CPU time (user + system) of the whole process, librdkafka's and SQLite's threads included.
enum ProcessCPU {
    static func seconds() -> Double {
        crl_process_cpu()
    }

    /// Peak resident set size (VmHWM from /proc/PID/status) of this process or of `pid`, bytes; 0 when unknown.
    static func peakResidentBytes(pid: Int32? = nil) -> Int {
        let path = pid.map { "/proc/\($0)/status" } ?? "/proc/self/status"
        guard let status = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? ""
            return (Int(digits) ?? 0) * 1024
        }
        return 0
    }
}
