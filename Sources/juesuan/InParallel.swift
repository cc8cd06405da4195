import Dispatch

/// Holds one result written by one of the concurrent iterations; each box is written by exactly one
/// iteration and read only after `concurrentPerform` returns.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

/// Runs two independent pieces of work at once (the machine has two cores) and returns both results.
/// When both fail, the first one's error is thrown, as if they had run in order.
func inParallel<A, B>(_ first: @Sendable () throws -> A, _ second: @Sendable () throws -> B) throws -> (A, B) {
    let a = ResultBox<A>(), b = ResultBox<B>()
    DispatchQueue.concurrentPerform(iterations: 2) { index in
        if index == 0 { a.result = Result { try first() } } else { b.result = Result { try second() } }
    }
    return (try a.result!.get(), try b.result!.get())
}
