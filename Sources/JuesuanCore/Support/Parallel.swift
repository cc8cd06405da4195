import Dispatch
import Synchronization

/// Work spread over every core, results kept in order; shared state behind a `Mutex`.
public enum Parallel {
    /// `body(index)` for every index in `0..<count`, run on all cores; the results in index order.
    public static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let slots = Mutex<[T?]>(Array(repeating: nil, count: count))
        DispatchQueue.concurrentPerform(iterations: count) { index in
            let value = body(index)
            slots.withLock { $0[index] = value }
        }
        return slots.withLock { $0.map { $0! } }
    }

    /// `first` and `second` at once, on two cores; the first error thrown (of `first`, then of
    /// `second`) is rethrown.
    public static func both<A: Sendable, B: Sendable>(_ first: @Sendable () throws -> A, _ second: @Sendable () throws -> B) throws -> (A, B) {
        let results = map(2) { index -> Result<Either<A, B>, any Error> in
            Result { index == 0 ? .left(try first()) : .right(try second()) }
        }
        guard case .left(let a) = try results[0].get(), case .right(let b) = try results[1].get() else {
            preconditionFailure("Parallel.both: results out of order")
        }
        return (a, b)
    }

    enum Either<A: Sendable, B: Sendable>: Sendable { case left(A), right(B) }
}

/// A running total shared by workers.
public final class SharedCounter: Sendable {
    private let total = Mutex<Int>(0)
    public init() {}
    /// Adds `amount`.
    public func add(_ amount: Int) { total.withLock { $0 += amount } }
    /// The total so far.
    public var value: Int { total.withLock { $0 } }
}
