import Foundation
import PostgresTestSupport
import ProviderSimulator

/// What the scale-out test prints when a run does not finish: where the unfinished commands are in the shared
/// ledger, who holds the vendor slots, and what the processes logged. A stall in CI must be diagnosable from the
/// test's output alone.
enum ScaleOutDiagnostics {
    /// The ledger's unfinished commands and held slots, as the superuser reads them (every line prefixed
    /// `scale-out ledger:`). Times are milliseconds relative to now (negative: in the past).
    static func ledgerReport(_ database: PostgresTestDatabase, products: Int) async -> String {
        let now = "(extract(epoch from clock_timestamp()) * 1000)::bigint"
        let queries: [(title: String, sql: String)] = [
            (
                "commands by state, kind and provider (count, distinct SKUs)",
                """
                SELECT concat_ws(' | ', state, kind, coalesce(provider, '-'), count(*), count(DISTINCT sku))
                FROM commands GROUP BY state, kind, provider ORDER BY state, kind, provider
                """
            ),
            (
                "SKUs with planned product.listed commands (of \(products))",
                "SELECT count(DISTINCT sku)::text FROM commands WHERE kind <> 'video'"
            ),
            (
                "oldest unfinished commands (key, state, kind, provider, task, attempts, lease owner, lease expires in,"
                    + " not before in, updated in)",
                """
                SELECT concat_ws(' | ', key, state, kind, coalesce(provider, '-'), coalesce(provider_task_id, '-'),
                    attempts, coalesce(lease_owner, '-'), coalesce((lease_expires_at - \(now))::text, '-'),
                    coalesce((not_before - \(now))::text, '-'), updated_at - \(now))
                FROM commands WHERE state NOT IN ('published', 'failed', 'resolved') ORDER BY updated_at LIMIT 25
                """
            ),
            (
                "unfinished commands by lease owner",
                """
                SELECT concat_ws(' | ', coalesce(lease_owner, '-'), count(*),
                    count(*) FILTER (WHERE lease_expires_at > \(now)))
                FROM commands WHERE state NOT IN ('published', 'failed', 'resolved') GROUP BY lease_owner
                """
            ),
            (
                "held vendor slots by provider and owner (count, soonest expiry in, latest expiry in)",
                """
                SELECT concat_ws(' | ', provider, coalesce(owner, '-'), count(*), min(expires_at) - \(now),
                    max(expires_at) - \(now))
                FROM provider_slots WHERE holder IS NOT NULL GROUP BY provider, owner ORDER BY provider, owner
                """
            ),
            (
                "held vendor slots whose holder has no unfinished command",
                """
                SELECT concat_ws(' | ', s.provider, s.holder, coalesce(s.owner, '-'), s.expires_at - \(now))
                FROM provider_slots s LEFT JOIN commands c ON c.key = s.holder
                WHERE s.holder IS NOT NULL AND s.holder NOT LIKE '%~parked~%'
                    AND (c.key IS NULL OR c.state IN ('published', 'failed', 'resolved'))
                LIMIT 25
                """
            ),
        ]
        var lines: [String] = []
        for query in queries {
            lines.append("scale-out ledger: \(query.title):")
            do {
                let rows = try await database.inDatabase().texts(query.sql)
                lines += rows.isEmpty ? ["scale-out ledger:   (none)"] : rows.map { "scale-out ledger:   \($0)" }
            } catch {
                lines.append("scale-out ledger:   cannot read: \(error)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The simulator's tasks per service: in flight now, created, submissions received.
    static func simulatorReport(_ stats: SimulatorStats) -> String {
        let services = stats.services.sorted { $0.key < $1.key }.map { name, service in
            "\(name): \(service.tasksInFlight) in flight, \(service.tasksCreated) created, "
                + "\(service.submitsReceived) submissions received"
        }
        return "scale-out test: simulator tasks: " + services.joined(separator: "; ")
    }

    /// Warnings and errors in `logs` by level and message, most frequent first (a line is
    /// `TIME LEVEL LABEL: METADATA [SOURCE] MESSAGE`).
    static func problems(in logs: String) -> (count: Int, summary: String) {
        var problems: [String: Int] = [:]
        for line in logs.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count == 3, ["warning", "error", "critical"].contains(parts[1]) else { continue }
            let message = line.range(of: "] ", options: .backwards).map { line[$0.upperBound...] } ?? parts[2]
            problems["\(parts[1]): \(message)", default: 0] += 1
        }
        let summary = problems.sorted { $0.value > $1.value }.map { "\n  \($0.value) × \($0.key.prefix(300))" }
        return (problems.values.reduce(0, +), summary.joined())
    }

    /// Each running process's id, the partitions it holds by its log, and its last log lines; then the partitions of
    /// `topics` that no process holds.
    static func tails(of processes: [AssetForgeProcess], lines: Int, topics: [(name: String, partitions: Int)])
        -> String
    {
        var held: Set<String> = []
        var report = processes.enumerated().map { index, process in
            let assignment = assignment(in: process.output)
            held.formUnion(assignment)
            // "asset ready" lines (one per asset) would hide everything else.
            let tail = process.output.split(separator: "\n").filter { !$0.hasSuffix("asset ready") }.suffix(lines)
            return "scale-out test: instance \(index) (pid \(process.processIdentifier), "
                + "\(process.isRunning ? "running" : "exited")) holds \(assignment.sorted()); last \(lines) log lines "
                + "other than \"asset ready\":\n  \(tail.joined(separator: "\n  "))"
        }
        let all = topics.flatMap { topic in (0..<topic.partitions).map { "\(topic.name)[\($0)]" } }
        report.append("scale-out test: partitions no process holds: \(all.filter { !held.contains($0) })")
        return report.joined(separator: "\n")
    }

    /// The partitions a process holds according to its `partitions assigned` / `revoked` / `lost` log lines
    /// (`… partitions=[topic[0], topic[1]] [Kafka] partitions assigned`).
    static func assignment(in log: String) -> Set<String> {
        var held: Set<String> = []
        for line in log.split(separator: "\n") {
            guard let start = line.range(of: "partitions=["),
                let end = line.range(of: "] [Kafka] partitions ", range: start.upperBound..<line.endIndex)
            else { continue }
            let partitions = line[start.upperBound..<end.lowerBound].components(separatedBy: ", ")
            if line[end.upperBound...].hasPrefix("assigned") {
                held.formUnion(partitions)
            } else {
                held.subtract(partitions)
            }
        }
        return held
    }
}
