import Foundation

/// A daily spending cap: money spent on finished tasks plus money reserved by tasks in flight must stay within it.
/// The day is a calendar day in ``timeZone`` (default Asia/Shanghai, where the vendors bill).
struct BudgetLedger: Sendable {
    var cap: Decimal?
    let timeZone: TimeZone
    private(set) var day: DateComponents?
    private(set) var spent: Decimal = 0
    private(set) var reserved: Decimal = 0

    init(cap: Decimal?, timeZone: TimeZone) {
        self.cap = cap
        self.timeZone = timeZone
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// Starts a new day's spending when the date changed.
    mutating func roll(at now: Date) {
        let today = calendar.dateComponents([.year, .month, .day], from: now)
        if today != day {
            day = today
            spent = 0
        }
    }

    /// The billing day of `now` as `yyyy-MM-dd` (the key of a shared spend counter).
    func dayKey(at now: Date) -> String {
        let day = calendar.dateComponents([.year, .month, .day], from: now)
        let year = day.year ?? 0, month = day.month ?? 0, date = day.day ?? 0
        return "\(year)-\(month < 10 ? "0" : "")\(month)-\(date < 10 ? "0" : "")\(date)"
    }

    /// Seconds until the next day starts.
    func secondsUntilNextDay(from now: Date) -> Double {
        let start = calendar.startOfDay(for: now)
        let next = calendar.date(byAdding: .day, value: 1, to: start) ?? now.addingTimeInterval(86_400)
        return max(1, next.timeIntervalSince(now))
    }

    /// Whether `amount` can never fit (cap below it).
    func neverFits(_ amount: Decimal) -> Bool {
        guard let cap else { return false }
        return amount > cap
    }

    func fits(_ amount: Decimal) -> Bool {
        guard let cap else { return true }
        return spent + reserved + amount <= cap
    }

    mutating func reserve(_ amount: Decimal) { reserved += amount }

    mutating func release(_ amount: Decimal) { reserved = max(0, reserved - amount) }

    /// A task finished: its reservation becomes its actual cost.
    mutating func commit(reserved amount: Decimal, actual: Decimal, at now: Date) {
        release(amount)
        roll(at: now)
        spent += actual
    }
}
