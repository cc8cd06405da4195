import Dispatch
import Foundation
import Synchronization

/// What to undo when the user interrupts a command (Ctrl-C, SIGTERM): temporary files and folders
/// to remove, child processes to stop. Work registers its cleanup while it runs and unregisters it
/// when done; the command-line tool installs the signal handlers.
public enum Interrupts {
    private static let actions = Mutex<[Int: @Sendable () -> Void]>([:])
    private static let next = Atomic<Int>(0)
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    /// Held while files are created or programs started; the signal handler takes it and never
    /// gives it back, so nothing new appears between its cleanup and the exit.
    private static let world = NSRecursiveLock()

    /// Runs `body` (which creates files or starts a program) so that an interrupt waits for it to end
    /// and no later step starts once the cleanup has begun.
    public static func guarded<T>(_ body: () throws -> T) rethrows -> T {
        world.lock()
        defer { world.unlock() }
        return try body()
    }

    /// Registers `action` to run on an interrupt; returns a token for `unregister`.
    @discardableResult
    public static func register(_ action: @escaping @Sendable () -> Void) -> Int {
        let token = next.add(1, ordering: .relaxed).newValue
        actions.withLock { $0[token] = action }
        return token
    }

    /// Forgets the action registered under `token`.
    public static func unregister(_ token: Int) {
        _ = actions.withLock { $0.removeValue(forKey: token) }
    }

    /// Removes `url` for good: again while something still writes into it (a program being stopped
    /// may still be flushing files), for up to a second.
    public static func remove(_ url: URL) {
        for _ in 0..<20 {
            try? FileManager.default.removeItem(at: url)
            if !FileManager.default.fileExists(atPath: url.path) { return }
            usleep(50_000)
        }
    }

    /// Runs every registered action (most recent first) and forgets them.
    public static func runAll() {
        let pending = actions.withLock { all -> [(Int, @Sendable () -> Void)] in
            defer { all.removeAll() }
            return all.sorted { $0.key > $1.key }.map { ($0.key, $0.value) }
        }
        for (_, action) in pending { action() }
    }

    /// Handles SIGINT and SIGTERM: runs the cleanup actions, then exits with 128 + the signal number
    /// (130 for Ctrl-C), as a shell expects. Call once, at the start of a command-line tool.
    public static func installHandlers() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                world.lock()  // never unlocked: the process exits below
                runAll()
                let message = signalNumber == SIGINT ? "\njuesuan：已中断，临时文件已清除。\n" : "juesuan：收到终止信号，临时文件已清除。\n"
                FileHandle.standardError.write(Data(message.utf8))
                exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}
