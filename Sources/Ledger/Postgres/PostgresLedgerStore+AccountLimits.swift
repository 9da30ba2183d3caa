import Foundation
import PostgresNIO

/// Limits of a vendor account that every instance on this ledger shares: tasks in flight and the daily spend.
///
/// - Slots: `provider_slots` has one row per in-flight slot of a provider (`0..<limit`, created as needed). A slot
///   is held for a `holder` (the asset id whose task occupies it) by an `owner` (the instance) until `expires_at`;
///   the owner renews the slots it knows it holds with
///   ``renewAccountHolds(owner:slots:reservations:leaseDuration:now:)``, and a dead owner's slots are
///   free once they expire. A holder taking its slot again (a command taken over after a crash) gets the same row
///   back, so the vendor's task is never counted twice.
/// - Spend: `provider_spend` has the money spent per provider and billing day; `provider_reservations` the money set
///   aside by tasks in flight (renewed like slots, and dropped when their owner stops renewing them). A reservation
///   is taken only while spent + reserved + amount stays within the cap, under a per-provider advisory lock, so
///   instances reserving at once cannot overshoot it together.
extension PostgresLedgerStore {
    /// Takes an in-flight slot of `provider` for `holder`: the one `holder` has already, else a free one among the
    /// first `limit`. Returns `false` when all `limit` slots are held by others (try again later).
    public func takeSlot(
        provider: String, holder: String, limit: Int, owner: String, leaseDuration: Duration, now: Date
    ) async throws(LedgerError) -> Bool {
        guard limit > 0 else { return false }
        let action = "taking a \(provider) slot for \(holder)"
        return try await client.withSession(action: action) { session throws(LedgerError) in
            var adopt = PostgresBindings()
            adopt.append(provider)
            adopt.append(holder)
            adopt.append(owner)
            adopt.append(LedgerMilliseconds.of(now, plus: leaseDuration))
            if try await !session.query(AccountSQL.adoptSlot, adopt, action: action).isEmpty { return true }

            var ensure = PostgresBindings()
            ensure.append(provider)
            ensure.append(limit)
            _ = try await session.query(AccountSQL.ensureSlots, ensure, action: action)

            var take = PostgresBindings()
            take.append(provider)
            take.append(holder)
            take.append(owner)
            take.append(LedgerMilliseconds.of(now, plus: leaseDuration))
            take.append(limit)
            take.append(LedgerMilliseconds.of(now))
            return try await !session.query(AccountSQL.takeSlot, take, action: action).isEmpty
        }
    }

    /// Moves the slot of `holder` to `newHolder` (a task that keeps its slot under another name).
    public func renameSlot(provider: String, holder: String, to newHolder: String) async throws(LedgerError) {
        let action = "renaming the \(provider) slot of \(holder)"
        try await client.withSession(action: action) { session throws(LedgerError) in
            var binds = PostgresBindings()
            binds.append(provider)
            binds.append(holder)
            binds.append(newHolder)
            _ = try await session.query(AccountSQL.renameSlot, binds, action: action)
        }
    }

    /// Frees the slot of `holder`, if it has one.
    public func releaseSlot(provider: String, holder: String) async throws(LedgerError) {
        let action = "releasing the \(provider) slot of \(holder)"
        try await client.withSession(action: action) { session throws(LedgerError) in
            var binds = PostgresBindings()
            binds.append(provider)
            binds.append(holder)
            _ = try await session.query(AccountSQL.releaseSlot, binds, action: action)
        }
    }

    /// Slots of `provider` held now (not expired), by anyone.
    public func slotsHeld(provider: String, now: Date) async throws(LedgerError) -> Int {
        let action = "counting the \(provider) slots held"
        return try await client.withSession(action: action) { session throws(LedgerError) in
            var binds = PostgresBindings()
            binds.append(provider)
            binds.append(LedgerMilliseconds.of(now))
            let rows = try await session.query(AccountSQL.slotsHeld, binds, action: action)
            guard let row = rows.first else { return 0 }
            return try session.row(row).integer("count")
        }
    }

    /// Extends the listed slots (by provider and holder) and spend reservations (by id) of `owner` to
    /// `now + leaseDuration`. Only those: a slot or reservation the owner no longer knows it holds (its release
    /// failed) is left to expire.
    public func renewAccountHolds(
        owner: String, slots: [(provider: String, holder: String)], reservations: [String], leaseDuration: Duration,
        now: Date
    ) async throws(LedgerError) {
        guard !slots.isEmpty || !reservations.isEmpty else { return }
        let action = "renewing \(slots.count) slot(s) and \(reservations.count) reservation(s) of \(owner)"
        try await client.withSession(action: action) { session throws(LedgerError) in
            if !slots.isEmpty {
                var binds = PostgresBindings()
                binds.append(owner)
                binds.append(LedgerMilliseconds.of(now, plus: leaseDuration))
                binds.append(slots.map(\.provider))
                binds.append(slots.map(\.holder))
                _ = try await session.query(AccountSQL.renewSlots, binds, action: action)
            }
            if !reservations.isEmpty {
                var binds = PostgresBindings()
                binds.append(owner)
                binds.append(LedgerMilliseconds.of(now, plus: leaseDuration))
                binds.append(reservations)
                _ = try await session.query(AccountSQL.renewReservations, binds, action: action)
            }
        }
    }

    /// Sets `amount` aside from `provider`'s spend on `day` as `reservation`, if spent + reserved + `amount` stays
    /// within `cap` (always when `cap` is `nil`). Returns whether it did. Taking a reservation again replaces it.
    public func reserveSpend(
        provider: String, day: String, reservation: String, amount: Decimal, cap: Decimal?, owner: String,
        leaseDuration: Duration, now: Date
    ) async throws(LedgerError) -> Bool {
        let action = "reserving \(amount) CNY of the \(provider) budget for \(day)"
        return try await client.withSession(action: action) { session throws(LedgerError) in
            try await session.transaction(action: action) { () async throws(LedgerError) in
                var lock = PostgresBindings()
                lock.append(AccountSQL.spendLockKey(provider: provider))
                _ = try await session.query(AccountSQL.lock, lock, action: action)
                if let cap {
                    var used = PostgresBindings()
                    used.append(provider)
                    used.append(day)
                    used.append(LedgerMilliseconds.of(now))
                    used.append(reservation)
                    let rows = try await session.query(AccountSQL.used, used, action: action)
                    let text = try rows.first.map { row throws(LedgerError) in try session.row(row).text("used") }
                    guard let text, let spentAndReserved = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
                    else {
                        throw LedgerError(.corrupt, "\(action): the spend total is not a number (\(String(describing: text)))")
                    }
                    if spentAndReserved + amount > cap { return false }
                }
                var insert = PostgresBindings()
                insert.append(reservation)
                insert.append(provider)
                insert.append(day)
                insert.append(amount.description)
                insert.append(owner)
                insert.append(LedgerMilliseconds.of(now, plus: leaseDuration))
                _ = try await session.query(AccountSQL.reserve, insert, action: action)
                return true
            }
        }
    }

    /// Ends `reservation` (if any): drops it and, when the task was paid for, adds `actual` to `provider`'s spend on
    /// `day`.
    public func settleSpend(
        provider: String, day: String, reservation: String?, actual: Decimal?
    ) async throws(LedgerError) {
        let action = "settling a \(provider) reservation"
        try await client.withSession(action: action) { session throws(LedgerError) in
            try await session.transaction(action: action) { () async throws(LedgerError) in
                if let reservation {
                    var drop = PostgresBindings()
                    drop.append(reservation)
                    _ = try await session.query(AccountSQL.dropReservation, drop, action: action)
                }
                guard let actual else { return }
                var add = PostgresBindings()
                add.append(provider)
                add.append(day)
                add.append(actual.description)
                _ = try await session.query(AccountSQL.addSpend, add, action: action)
            }
        }
    }

    /// Money spent with `provider` on `day` by every instance.
    public func spent(provider: String, day: String) async throws(LedgerError) -> Decimal {
        let action = "reading the \(provider) spend of \(day)"
        return try await client.withSession(action: action) { session throws(LedgerError) in
            var binds = PostgresBindings()
            binds.append(provider)
            binds.append(day)
            let rows = try await session.query(AccountSQL.spent, binds, action: action)
            guard let row = rows.first else { return 0 }
            let text = try session.row(row).text("spent")
            return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) ?? 0
        }
    }
}

/// The statements of the account limits.
private enum AccountSQL {
    /// $1 provider, $2 holder, $3 owner, $4 expiry.
    static let adoptSlot = """
        UPDATE provider_slots SET owner = $3::text, expires_at = $4::bigint
        WHERE provider = $1::text AND holder = $2::text
        RETURNING slot
        """

    /// $1 provider, $2 limit.
    static let ensureSlots = """
        INSERT INTO provider_slots (provider, slot)
        SELECT $1::text, generate_series(0, $2::integer - 1)
        ON CONFLICT (provider, slot) DO NOTHING
        """

    /// $1 provider, $2 holder, $3 owner, $4 expiry, $5 limit, $6 now. The subquery picks and locks one free row;
    /// rows another transaction is taking are passed over.
    static let takeSlot = """
        UPDATE provider_slots SET holder = $2::text, owner = $3::text, expires_at = $4::bigint
        WHERE (provider, slot) IN (
            SELECT provider, slot FROM provider_slots
            WHERE provider = $1::text AND slot < $5::integer AND (holder IS NULL OR expires_at <= $6::bigint)
            ORDER BY slot
            LIMIT 1
            FOR UPDATE SKIP LOCKED)
        RETURNING slot
        """

    /// $1 provider, $2 holder, $3 new holder.
    static let renameSlot = """
        UPDATE provider_slots SET holder = $3::text WHERE provider = $1::text AND holder = $2::text
        """

    /// $1 provider, $2 holder.
    static let releaseSlot = """
        UPDATE provider_slots SET holder = NULL, owner = NULL, expires_at = NULL
        WHERE provider = $1::text AND holder = $2::text
        """

    /// $1 provider, $2 now.
    static let slotsHeld = """
        SELECT count(*)::bigint AS count FROM provider_slots
        WHERE provider = $1::text AND holder IS NOT NULL AND expires_at > $2::bigint
        """

    /// $1 owner, $2 expiry, $3 providers, $4 holders (pairwise).
    static let renewSlots = """
        UPDATE provider_slots SET expires_at = $2::bigint
        WHERE owner = $1::text AND (provider, holder) IN (SELECT * FROM unnest($3::text[], $4::text[]))
        """
    /// $1 owner, $2 expiry, $3 reservation ids.
    static let renewReservations = """
        UPDATE provider_reservations SET expires_at = $2::bigint WHERE owner = $1::text AND id = ANY($3::text[])
        """
    /// $1 lock key.
    static let lock = "SELECT pg_advisory_xact_lock($1::bigint)"

    /// $1 provider, $2 day, $3 now, $4 the reservation being taken (not counted: taking it again replaces it).
    static let used = """
        SELECT (
            COALESCE((SELECT spent_cny FROM provider_spend WHERE provider = $1::text AND day = $2::text), 0)
            + COALESCE((
                SELECT sum(amount_cny) FROM provider_reservations
                WHERE provider = $1::text AND day = $2::text AND expires_at > $3::bigint AND id <> $4::text), 0)
        )::text AS used
        """

    /// $1 id, $2 provider, $3 day, $4 amount, $5 owner, $6 expiry.
    static let reserve = """
        INSERT INTO provider_reservations (id, provider, day, amount_cny, owner, expires_at)
        VALUES ($1::text, $2::text, $3::text, $4::numeric, $5::text, $6::bigint)
        ON CONFLICT (id) DO UPDATE SET
            provider = EXCLUDED.provider, day = EXCLUDED.day, amount_cny = EXCLUDED.amount_cny,
            owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
        """

    /// $1 id.
    static let dropReservation = "DELETE FROM provider_reservations WHERE id = $1::text"

    /// $1 provider, $2 day, $3 amount.
    static let addSpend = """
        INSERT INTO provider_spend (provider, day, spent_cny) VALUES ($1::text, $2::text, $3::numeric)
        ON CONFLICT (provider, day) DO UPDATE SET spent_cny = provider_spend.spent_cny + EXCLUDED.spent_cny
        """

    /// $1 provider, $2 day.
    static let spent = """
        SELECT COALESCE((SELECT spent_cny FROM provider_spend WHERE provider = $1::text AND day = $2::text), 0)::text
            AS spent
        """

    /// The advisory lock serializing reservations of `provider`: "AFSP" in the high half, an FNV-1a hash of the
    /// provider's name in the low half (stable across processes and versions, unlike Swift's `hashValue`).
    static func spendLockKey(provider: String) -> Int64 {
        var hash: UInt32 = 2_166_136_261
        for byte in provider.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return Int64(0x4146_5350) << 32 | Int64(hash)
    }
}
