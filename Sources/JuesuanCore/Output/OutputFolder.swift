import Foundation

/// Why juesuan will not write an output: it would replace something the user made, or the place
/// cannot be written.
public struct OutputRefusal: Error, CustomStringConvertible, Sendable {
    /// The output path as the user gave it.
    public var path: String
    /// Why, in Chinese.
    public var reason: String
    /// What the user can do, in Chinese.
    public var hint: String

    public init(path: String, reason: String, hint: String = "") {
        self.path = path
        self.reason = reason
        self.hint = hint
    }

    public var description: String { "\(path)：\(reason)" + (hint.isEmpty ? "" : "。\(hint)") }
}

/// An output folder that juesuan owns: built aside, marked as its own, and swapped into place whole.
///
/// A folder is only ever replaced when it does not exist, is empty, or carries juesuan's marker file
/// (`.juesuan-output`, written into every folder juesuan writes); anything else is refused unless the
/// user says `--force`. Replacing is whole: the new folder is complete before it takes the old one's
/// place, so files written before and not written now are gone, and a reader never sees a mix.
public enum OutputFolder {
    /// The marker file's name.
    public static let markerName = ".juesuan-output"

    /// Checks that `path` may be (re)written; throws `OutputRefusal` when it is a file, or a non-empty
    /// folder without juesuan's marker, and `force` is false.
    public static func claim(_ path: String, force: Bool) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        if force { return }
        guard isDirectory.boolValue else {
            throw OutputRefusal(path: path, reason: "已有同名文件，juesuan 不会覆盖它",
                                hint: "请换一个输出文件夹，或确认可以删除后加 --force")
        }
        let contents: [String]
        do { contents = try manager.contentsOfDirectory(atPath: path) } catch {
            throw OutputRefusal(path: path, reason: "无法读取这个文件夹（\(FileProblem.describe(error, path: path))）")
        }
        if contents.isEmpty || contents.contains(markerName) { return }
        throw OutputRefusal(path: path, reason: "文件夹不为空，且不是 juesuan 写出的（其中没有 \(markerName)）",
                            hint: "请换一个空文件夹，或确认可以整个替换后加 --force")
    }

    /// Writes the folder at `path`: `body` fills a staging folder beside it, then the marker is added
    /// and the staging folder replaces `path` whole. The staging folder is removed on failure and on
    /// an interrupt.
    public static func write(to path: String, command: String, force: Bool, _ body: (URL) throws -> Void) throws {
        try Interrupts.guarded { try writeGuarded(to: path, command: command, force: force, body) }
    }

    static func writeGuarded(to path: String, command: String, force: Bool, _ body: (URL) throws -> Void) throws {
        try claim(path, force: force)
        let target = URL(fileURLWithPath: path)
        let staging: URL
        do { staging = try makeStaging(beside: target) } catch {
            throw OutputRefusal(path: path, reason: FileProblem.describe(error, path: path))
        }
        let cleanup = Interrupts.register { Interrupts.remove(staging) }
        defer { Interrupts.unregister(cleanup) }
        do {
            try body(staging)
            try install(staging, at: target, command: command)
        } catch let error as any ExplainedError {
            try? FileManager.default.removeItem(at: staging)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw OutputRefusal(path: path, reason: FileProblem.describe(error, path: path))
        }
    }

    /// A new, empty staging folder beside `target` (same file system, so the final rename is atomic).
    public static func makeStaging(beside target: URL) throws -> URL {
        let staging = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).juesuan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        return staging
    }

    /// Marks `staging` as juesuan's and puts it at `target`, replacing what is there whole (the
    /// caller has claimed `target`).
    public static func install(_ staging: URL, at target: URL, command: String) throws {
        let manager = FileManager.default
        let files = (manager.enumerator(atPath: staging.path)?.allObjects as? [String] ?? []).sorted()
        let marker = "juesuan \(command)\n由 juesuan 写出；再次写到这里时整个文件夹会被替换。\n" + files.map { $0 + "\n" }.joined()
        try Data(marker.utf8).write(to: staging.appendingPathComponent(markerName))
        var exists: ObjCBool = false
        guard manager.fileExists(atPath: target.path, isDirectory: &exists) else {
            try Rename.move(staging, to: target)
            return
        }
        // The old output is moved aside first, so that the swap leaves either the old or the new.
        let old = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).juesuan-old-\(UUID().uuidString)")
        try Rename.move(target, to: old)
        do {
            try Rename.move(staging, to: target)
        } catch {
            try? Rename.move(old, to: target)
            throw error
        }
        try? manager.removeItem(at: old)
    }
}

/// A single output file (a cells file, a roster export): refused when a file is there that juesuan
/// did not write, unless forced; written through a temporary file and a rename.
public enum OutputFile {
    /// Checks that `path` may be written. `isOwn` tells from the first bytes whether juesuan wrote the
    /// file that is there.
    public static func claim(_ path: String, force: Bool, isOwn: (String) -> Bool) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        if isDirectory.boolValue {
            throw OutputRefusal(path: path, reason: "这是一个文件夹，而这里要写一个文件", hint: "请给出文件名")
        }
        if force { return }
        let head = FileManager.default.contents(atPath: path).map { String(decoding: $0.prefix(4096), as: UTF8.self) } ?? ""
        guard isOwn(head) else {
            throw OutputRefusal(path: path, reason: "已有同名文件，且不是 juesuan 写出的", hint: "请换一个文件名，或确认可以覆盖后加 --force")
        }
    }

    /// Writes `data` to `url` through a temporary file beside it and a rename.
    public static func write(_ data: Data, to url: URL) throws {
        try Interrupts.guarded { try writeGuarded(data, to: url) }
    }

    static func writeGuarded(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).juesuan-\(UUID().uuidString)")
        let cleanup = Interrupts.register { Interrupts.remove(temporary) }
        defer { Interrupts.unregister(cleanup) }
        do {
            try data.write(to: temporary)
            try Rename.move(temporary, to: url)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
