import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs an external program (Chromium, pdftotext) in a process group of its own, so that an
/// interrupt stops it and every process it started, not only the first.
public enum ChildProcess {
    /// Why a program could not be run.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Runs `executable` with `arguments`, its output discarded (or written to `output`), and waits.
    /// Returns the exit status. On an interrupt the whole group is killed.
    /// How long a program may run (wall clock, which bounds its CPU time too) before its whole process
    /// group is killed: Chromium printing a report takes seconds; a page that never finishes must not
    /// hold the machine.
    public static let secondsLimit: Double = 300

    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], output: String? = nil,
                           secondsLimit: Double = ChildProcess.secondsLimit) throws -> Int32 {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        // Started and registered at once: an interrupt either comes before (and nothing starts) or
        // finds the program registered.
        let (pid, token) = try Interrupts.guarded { () throws -> (pid_t, Int) in
            var pid: pid_t = 0
            let status = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
            guard status == 0 else {
                throw Failure(description: "无法运行 \(executable)（errno \(status)）")
            }
            let group = pid
            let token = Interrupts.register {
                kill(-group, SIGKILL)
                var ignored: Int32 = 0
                waitpid(group, &ignored, 0)
                waitForGroup(group)
            }
            return (pid, token)
        }
        let group = pid
        defer { Interrupts.unregister(token) }
        // The watchdog: past the limit the whole group is killed, and the run fails in Chinese.
        let expired = LockedFlag()
        let watchdog = DispatchWorkItem {
            expired.set()
            kill(-group, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + secondsLimit, execute: watchdog)
        var result: Int32 = 0
        while waitpid(pid, &result, 0) == -1 && errno == EINTR {}
        watchdog.cancel()
        if expired.isSet {
            kill(-group, SIGKILL)
            throw Failure(description: "\((executable as NSString).lastPathComponent) 超过 \(Int(secondsLimit)) 秒仍未完成，已停止")
        }
        // Helpers the program left behind in its group (Chromium's zygote) are stopped too.
        kill(-group, SIGKILL)
        if result & 0x7f == 0 { return (result >> 8) & 0xff }
        return 128 + (result & 0x7f)
    }

    /// Waits (up to two seconds) until no process of `group` is left running (zombies, which write
    /// nothing, do not count), so that files they were writing can be removed for good.
    static func waitForGroup(_ group: pid_t) {
        for _ in 0..<100 {
            if !running(group) { return }
            usleep(20_000)
        }
    }

    /// Whether a process of `group` still runs, from /proc (Linux); elsewhere, whether any is left.
    static func running(_ group: pid_t) -> Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return kill(-group, 0) == 0 }
        for entry in entries where entry.first?.isNumber == true {
            guard let data = FileManager.default.contents(atPath: "/proc/\(entry)/stat") else { continue }
            let text = String(decoding: data, as: UTF8.self)
            // "pid (comm) state ppid pgrp …": the command may hold spaces, so read after the last ')'.
            guard let close = text.lastIndex(of: ")") else { continue }
            let fields = text[text.index(after: close)...].split(separator: " ")
            guard fields.count > 2, let pgrp = Int32(fields[2]), pgrp == group else { continue }
            if fields[0] != "Z" && fields[0] != "X" { return true }
        }
        return false
    }
}

/// Set once, read from any thread.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
