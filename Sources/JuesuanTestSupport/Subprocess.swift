import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The end of a child process, told by its termination handler.
///
/// Foundation's `Process.waitUntilExit()` polls the calling thread's run loop for the child's end; called
/// from the test runner's pool threads while many children come and go, it can wait forever for a child
/// that has long exited (a whole CI run hung on it). The termination handler, set before `run()`, cannot
/// miss a fast child, and waiting on it needs no run loop.
public final class ExitSignal: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var ended = false
    private weak var process: Process?

    /// Call before `process.run()`.
    public init(_ process: Process) {
        self.process = process
        process.terminationHandler = { [self] _ in
            lock.lock(); ended = true; lock.unlock()
            semaphore.signal()
        }
    }

    /// Waits for the end; past `seconds` the child is killed (a test fails, the run goes on), and `false`
    /// says so.
    @discardableResult
    public func wait(seconds: Double = 600) -> Bool {
        lock.lock()
        let done = ended
        lock.unlock()
        if done { return true }
        if semaphore.wait(timeout: .now() + seconds) == .success {
            semaphore.signal()  // later waits return at once
            return true
        }
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
        _ = semaphore.wait(timeout: .now() + 10)
        semaphore.signal()
        return false
    }
}

/// Runs a program to its end with its output captured: both streams read at once (a child that fills
/// one pipe while the other is read would wait forever), the end told by `ExitSignal`.
public enum Subprocess {
    public struct Result: Sendable {
        public var status: Int32
        public var output: Data
        public var errors: Data
        /// `false` when the program was stopped for running past its limit.
        public var finished: Bool
        public var stdout: String { String(decoding: output, as: UTF8.self) }
        public var stderr: String { String(decoding: errors, as: UTF8.self) }
    }

    /// `executable` with `arguments`; `mergeErrors` sends standard error into the output; `discardErrors`
    /// drops it.
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil,
                           mergeErrors: Bool = false, discardErrors: Bool = false, seconds: Double = 600) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        process.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = mergeErrors ? out : discardErrors ? FileHandle.nullDevice : err
        let exit = ExitSignal(process)
        try process.run()
        let errors = Captured()
        let group = DispatchGroup()
        if !mergeErrors && !discardErrors {
            DispatchQueue.global().async(group: group) { errors.set(err.fileHandleForReading.readDataToEndOfFile()) }
        }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let finished = exit.wait(seconds: seconds)
        return Result(status: process.terminationStatus, output: output, errors: errors.data, finished: finished)
    }

    /// A program found on PATH (through /usr/bin/env).
    public static func tool(_ name: String, _ arguments: [String], mergeErrors: Bool = false, discardErrors: Bool = true) throws -> Result {
        try run(URL(fileURLWithPath: "/usr/bin/env"), [name] + arguments, mergeErrors: mergeErrors, discardErrors: !mergeErrors && discardErrors)
    }
}

final class Captured: @unchecked Sendable {
    private let lock = NSLock()
    private var value = Data()
    func set(_ data: Data) { lock.lock(); value = data; lock.unlock() }
    var data: Data { lock.lock(); defer { lock.unlock() }; return value }
}
