import ArgumentParser
import Foundation
import JuesuanCore
import Logging

/// ArgumentParser writes its help and its errors in English; juesuan's users read Chinese. Every text
/// ArgumentParser produces passes through here before it is printed.
enum ChineseUsage {
    /// Help or error text of ArgumentParser, in Chinese.
    static func translate(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { translateLine(String($0)) }.joined(separator: "\n")
    }

    static let replacements: [(String, String)] = [
        ("OVERVIEW: ", "概述："), ("USAGE: ", "用法："), ("Usage: ", "用法："), ("ARGUMENTS:", "参数："), ("OPTIONS:", "选项："),
        ("SUBCOMMANDS:", "子命令："), ("Error: ", ""), ("Show help information.", "显示帮助。"), ("Show the version.", "显示版本号。"),
        ("(default)", "（默认）"), ("<subcommand>", "<子命令>"), ("Help:  ", "说明："),
    ]

    static func translateLine(_ line: String) -> String {
        var out = line
        for (english, chinese) in replacements { out = out.replacingOccurrences(of: english, with: chinese) }
        out = replace(out, #"See '([^']+) help <subcommand>' for detailed help\."#) { "用 \($0[1]) help <子命令> 查看子命令的说明。" }
        out = replace(out, #"See '([^']+)' for more information\."#) { "用 \($0[1]) 查看说明。" }
        out = replace(out, #"\(values: ([^;)]*); default: ([^)]*)\)"#) { "（可选：\($0[1].replacingOccurrences(of: ", ", with: "、"))；默认：\($0[2])）" }
        out = replace(out, #"\(values: ([^)]*)\)"#) { "（可选：\($0[1].replacingOccurrences(of: ", ", with: "、"))）" }
        out = replace(out, #"\(default: ([^)]*)\)"#) { "（默认：\($0[1])）" }
        out = replace(out, #"Missing expected argument '([^']+)'"#) { "缺少参数 \($0[1])" }
        out = replace(out, #"Missing one of: (.+)$"#) { "缺少以下之一：\($0[1].replacingOccurrences(of: "'", with: ""))" }
        out = replace(out, #"Unknown option '([^']+)'\. Did you mean '([^']+)'\?"#) { "不认识的选项 \($0[1])；是不是 \($0[2])？" }
        out = replace(out, #"Unknown option '([^']+)'"#) { "不认识的选项 \($0[1])" }
        out = replace(out, #"Missing value for '([^']+)'"#) { "选项 \($0[1]) 缺少值" }
        out = replace(out, #"(\d+) unexpected arguments: (.+)$"#) { "多出 \($0[1]) 个参数：\($0[2].replacingOccurrences(of: "'", with: ""))" }
        out = replace(out, #"Unexpected argument '([^']+)'"#) { "多出的参数“\($0[1])”" }
        out = replace(out, #"The value '([^']*)' is invalid for '([^']+)'(.*)$"#) { "\($0[2]) 的值“\($0[1])”无效\(choices($0[3]))" }
        out = replace(out, #"The value '([^']*)' is invalid\.(.*)$"#) { "值“\($0[1])”无效\(choices($0[2]))" }
        out = replace(out, #"Missing required subcommand\."#) { _ in "缺少子命令" }
        out = replace(out, #"Invalid option: (.+)$"#) { "无效的选项 \($0[1])" }
        out = replace(out, #"Value to be set with (.+) had already been set with (.+)$"#) { "\($0[1]) 重复给出（此前已给出 \($0[2])）" }
        out = replace(out, #"Unknown command\.?"#) { _ in "不认识的子命令" }
        // Anything ArgumentParser says that is not known here is not shown in English.
        if out.range(of: #"[A-Za-z]{3,}[ ,.]+[a-z]{3,}[ ,.]+[a-z]{2,}"#, options: .regularExpression) != nil,
           !out.contains("juesuan"), !out.hasPrefix(" ") {
            return "命令行有误（运行 juesuan help 查看用法）"
        }
        return out
    }

    /// ArgumentParser's "Please provide one of 'text', 'json'." as "（可选：text、json）".
    static func choices(_ tail: String) -> String {
        let names = tail.matches(#"'([^']+)'"#).map { $0[1] }
        if !names.isEmpty { return "（可选：\(names.joined(separator: "、"))）" }
        let trimmed = tail.trimmingCharacters(in: CharacterSet(charactersIn: ": ."))
        return trimmed.isEmpty ? "" : "：" + trimmed
    }

    static func replace(_ text: String, _ pattern: String, _ make: ([String]) -> String) -> String {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return text }
        var out = text
        for match in expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
            let groups = (0..<match.numberOfRanges).map { index -> String in
                Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
            }
            guard let whole = Range(match.range, in: out) else { continue }
            out.replaceSubrange(whole, with: make(groups))
        }
        return out
    }
}

extension String {
    /// Capture groups of every match of `pattern`.
    func matches(_ pattern: String) -> [[String]] {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
        return expression.matches(in: self, range: NSRange(startIndex..., in: self)).map { match in
            (0..<match.numberOfRanges).map { Range(match.range(at: $0), in: self).map { String(self[$0]) } ?? "" }
        }
    }
}

/// The entry point: Chinese help and errors, one mapping from errors to messages and exit statuses,
/// interrupts that clean up.
@main
enum Main {
    static func main() {
        // `serve` stops gracefully on SIGTERM/SIGINT (requests in flight finish); every other command
        // cleans up its temporary files and exits at once.
        if CommandLine.arguments.dropFirst().first != "serve" { Interrupts.installHandlers() }
        // Library code logs through swift-log; JUESUAN_PROFILE=1 shows the timings of each step.
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["JUESUAN_PROFILE"] != nil ? .debug : .warning
            // `serve` writes one line per request (id, method, path, status, duration).
            if label == "juesuan.request" { handler.logLevel = .info }
            return handler
        }
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "--version" || arguments.first == "-V" {
            print("juesuan \(Version.current)")
            exit(0)
        }
        var command: any ParsableCommand
        do {
            command = try Juesuan.parseAsRoot(arguments)
        } catch {
            finish(error)
        }
        do {
            try command.run()
            exit(0)
        } catch {
            finish(error)
        }
    }

    /// Prints what `error` means, in Chinese, and exits with its status.
    static func finish(_ error: any Error) -> Never {
        if let code = error as? ExitCode { exit(code.rawValue) }
        if error is ExplainedError || error is Problem {
            let problem = Problem(error)
            FileHandle.standardError.write(Data(problem.printed.utf8))
            exit(problem.kind.exitStatus)
        }
        let status = Juesuan.exitCode(for: error).rawValue
        let text = ChineseUsage.translate(Juesuan.fullMessage(for: error))
        if status == 0 {
            print(text)
            exit(0)
        }
        if error is CleanExit || Juesuan.fullMessage(for: error).isEmpty { exit(status) }
        if error is ValidationError || status == ExitCode.validationFailure.rawValue {
            FileHandle.standardError.write(Data("juesuan：用法错误：\(text)\n".utf8))
            exit(ProblemKind.usage.exitStatus)
        }
        let problem = Problem(error)
        FileHandle.standardError.write(Data(problem.printed.utf8))
        exit(problem.kind.exitStatus)
    }
}

/// juesuan's version.
enum Version {
    static let current = "0.6.0"
}
