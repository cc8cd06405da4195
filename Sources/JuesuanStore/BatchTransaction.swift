import Foundation
import SQLKit

/// One transaction shared by many store operations: inside `Backend.batch`, every `write` of the same
/// backend becomes a savepoint of it (its rules, checks and audit lines unchanged; a refused operation rolls
/// back to its savepoint alone) and every `read` sees what the batch wrote so far. Loading thousands of units
/// then costs one commit (one fsync on SQLite) instead of several per unit.
struct BatchTransaction: @unchecked Sendable {
    /// The batch open in this task (task-local: child tasks share it, other requests never see it).
    @TaskLocal static var current: BatchTransaction?

    let db: any SQLDatabase
    let owner: ObjectIdentifier
    private let names = SharedIndex()

    init(db: any SQLDatabase, owner: ObjectIdentifier) {
        self.db = db
        self.owner = owner
    }

    /// The open batch of `backend`, if any.
    static func of(_ backend: AnyObject) -> BatchTransaction? {
        guard let open = current, open.owner == ObjectIdentifier(backend) else { return nil }
        return open
    }

    /// `body` inside a savepoint of the batch: kept when it returns, undone when it throws.
    func savepoint<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let name = "juesuan_batch_\(names.take())"
        try await db.raw("SAVEPOINT \(unsafeRaw: name)").run()
        do {
            let value = try await body(db)
            try await db.raw("RELEASE SAVEPOINT \(unsafeRaw: name)").run()
            return value
        } catch {
            try? await db.raw("ROLLBACK TO SAVEPOINT \(unsafeRaw: name)").run()
            try? await db.raw("RELEASE SAVEPOINT \(unsafeRaw: name)").run()
            throw error
        }
    }
}

extension Backend {
    /// Runs `body` with this backend's writes and reads inside one transaction: all of it is stored, or
    /// none. Only for work that runs alone (loading a jurisdiction, an import): other writers wait for it.
    public func batch<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if BatchTransaction.of(self) != nil { return try await body() }
        return try await write { db in
            try await BatchTransaction.$current.withValue(BatchTransaction(db: db, owner: ObjectIdentifier(self))) {
                try await body()
            }
        }
    }
}
