import SQLiteNIO

extension LedgerError {
    /// How long a statement waits for another process's lock on the database file before failing, milliseconds.
    static let sqliteBusyTimeoutMilliseconds = 30_000

    /// Translates a failure of libsqlite3 (or of SQLiteNIO around it) while `action` ran on the ledger at `path`
    /// into a ledger error whose message says what to do.
    static func sqlite(_ error: any Error, path: String, action: String) -> LedgerError {
        guard let error = error as? SQLiteError else {
            return LedgerError(
                .unavailable,
                "\(action) failed on the ledger at \(path): \(error); the SQLite worker thread may have been "
                    + "shut down (was the ledger closed?)")
        }
        let detail = "\(error.message) (\(error.reason))"
        switch error.reason {
        case .busy, .busyTimeout, .busyInRecovery, .busyInSnapshot, .locked, .lockedBySharedCache,
            .lockedVirtualTable:
            let seconds = sqliteBusyTimeoutMilliseconds / 1000
            return LedgerError(
                .unavailable,
                "\(action) on the ledger at \(path): another process held the database lock for more than "
                    + "\(seconds) s (\(detail)); retry, and check that no process sharing the file is stuck")
        case .cantOpen, .cantOpenDirectory, .cantOpenInvalidPath, .cantOpenCygwinPath, .cantOpenUnfollowedSymlink,
            .permission, .auth, .authUnauthorizedUser, .noLFS, .full,
            .readOnly, .readonlyInRecovery, .readonlyCantLock, .readonlyInRollback, .readonlyBackingMoved,
            .readonlyDirectory:
            return LedgerError(
                .unavailable,
                "\(action) on the ledger at \(path) failed: \(detail); check that the directory exists and is "
                    + "writable and the disk is not full, or set ASSETFORGE_LEDGER_URL to another location")
        case .ioError, .ioErrorFailedRead, .ioErrorIncompleteRead, .ioErrorFailedWrite, .ioErrorFailedSync,
            .ioErrorFailedDirSync, .ioErrorFailedTruncate, .ioErrorFailedStat, .ioErrorFailedUnlock,
            .ioErrorFailedReadLock, .ioErrorFailedDelete, .ioErrorNoMemory, .ioErrorFailedAccess,
            .ioErrorFailedLockCheck, .ioErrorFailedAdvisoryLock, .ioErrorFailedClose, .ioErrorFailedSharedMemOpen,
            .ioErrorFailedSharedMemSize, .ioErrorFailedSharedMemMap, .ioErrorFailedDeleteNonexistent,
            .ioErrorFailedMemoryMap, .ioErrorCantFindTempdir, .ioErrorCygwinPath:
            return LedgerError(
                .unavailable,
                "\(action) on the ledger at \(path) hit an I/O error: \(detail); check the disk and the file "
                    + "system (a network file system without locking is not supported)")
        case .corrupt, .corruptVirtualTable, .corruptSequenceSchema, .corruptIndex, .notADatabase, .format,
            .ioErrorBadDataChecksum, .ioErrorCorruptedFilesystem:
            return LedgerError(
                .corrupt,
                "\(action): the ledger at \(path) is damaged or is not an SQLite database (\(detail)); restore it "
                    + "from a backup, or move it away (a new ledger forgets what was generated) or set "
                    + "ASSETFORGE_LEDGER_URL to another file")
        default:
            return LedgerError(.queryFailed, "\(action) failed on the ledger at \(path): \(detail)")
        }
    }
}
