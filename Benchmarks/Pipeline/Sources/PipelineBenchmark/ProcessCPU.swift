import CRelayLoop
import Foundation

/// CPU time (user + system) of the whole process, librdkafka's and SQLite's threads included.
enum ProcessCPU {
    static func seconds() -> Double {
        crl_process_cpu()
    }

    /// CPU time (user + system) of the process `pid` so far, from /proc/PID/stat; 0 when unknown.
    static func seconds(pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let afterName = stat.range(of: ") ", options: .backwards)
        else { return 0 }
        // After the command name: state is field 3, utime field 14, stime field 15.
        let fields = stat[afterName.upperBound...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Peak resident set size (VmHWM from /proc/PID/status) of this process or of `pid`, bytes; 0 when unknown.
    static func peakResidentBytes(pid: Int32? = nil) -> Int {
        statusBytes("VmHWM:", pid: pid)
    }

    /// Resident set size now (VmRSS) of this process or of `pid`, bytes; 0 when unknown.
    static func residentBytes(pid: Int32? = nil) -> Int {
        statusBytes("VmRSS:", pid: pid)
    }

    private static func statusBytes(_ field: String, pid: Int32?) -> Int {
        let path = pid.map { "/proc/\($0)/status" } ?? "/proc/self/status"
        guard let status = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(field) {
            let digits = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? ""
            return (Int(digits) ?? 0) * 1024
        }
        return 0
    }
}
