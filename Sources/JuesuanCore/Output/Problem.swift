import Foundation

/// The kinds of failure juesuan reports, each with one exit status and one HTTP status.
public enum ProblemKind: String, Sendable, Codable, CaseIterable {
    /// The input cannot be read at all: missing, a folder, not text, not the expected format.
    case inputUnreadable
    /// The input is read but a value in it is wrong (file, line and value named).
    case inputInvalid
    /// The output cannot be written, or writing it would destroy a file juesuan did not write.
    case output
    /// The command line is wrong.
    case usage
    /// An external program juesuan needs (Chromium, pdftotext) is not installed.
    case toolMissing
    /// A fault of juesuan itself (a shipped rule or template that does not load).
    case internalFault

    /// The command-line exit status: 2 for input and output problems, 64 for usage, 69 for a missing
    /// tool, 70 for an internal fault (BSD sysexits).
    public var exitStatus: Int32 {
        switch self {
        case .inputUnreadable, .inputInvalid, .output: 2
        case .usage: 64
        case .toolMissing: 69
        case .internalFault: 70
        }
    }

    /// The HTTP status the server answers with.
    public var httpStatus: Int {
        switch self {
        case .inputUnreadable: 415
        case .inputInvalid: 422
        case .output: 409
        case .usage: 400
        case .toolMissing: 503
        case .internalFault: 500
        }
    }

    /// A short Chinese title (the problem details' `title`).
    public var title: String {
        switch self {
        case .inputUnreadable: "无法读取输入"
        case .inputInvalid: "输入有误"
        case .output: "无法写出结果"
        case .usage: "用法错误"
        case .toolMissing: "缺少外部程序"
        case .internalFault: "juesuan 内部错误"
        }
    }
}

/// An error that knows its kind and its Chinese message; every error juesuan shows a user is one.
public protocol ExplainedError: Error, CustomStringConvertible {
    /// Which kind of failure.
    var kind: ProblemKind { get }
    /// What to do about it, in Chinese; empty when the message says it.
    var hint: String { get }
}

extension OutputRefusal: ExplainedError {
    public var kind: ProblemKind { .output }
}

/// A failure explained once: kind, Chinese message and hint, from any error.
public struct Problem: Error, Sendable, CustomStringConvertible {
    public var kind: ProblemKind
    public var message: String
    public var hint: String

    public init(kind: ProblemKind, message: String, hint: String = "") {
        self.kind = kind
        self.message = message
        self.hint = hint
    }

    /// `error` explained: its own words when it is an `ExplainedError`, else a Chinese reading of a
    /// system error about `path`. No English text of Foundation reaches the message.
    public init(_ error: any Error, path: String? = nil) {
        if let problem = error as? Problem { self = problem; return }
        if let explained = error as? any ExplainedError {
            self.init(kind: explained.kind, message: explained.description, hint: explained.hint)
            return
        }
        if error is POSIXError || error is CocoaError || (error as NSError).domain == NSPOSIXErrorDomain {
            let place = path ?? ""
            self.init(kind: .output, message: (place.isEmpty ? "" : place + "：") + FileProblem.describe(error, path: place))
            return
        }
        self.init(kind: .internalFault, message: "未预料的错误（\(String(describing: type(of: error)))）",
                  hint: "请把命令与输入文件报告给 juesuan 的维护者")
    }

    public var description: String { message }

    /// The message as the command line prints it: "juesuan：…" and, on its own line, the hint.
    public var printed: String {
        "juesuan：\(message)\n" + (hint.isEmpty ? "" : "提示：\(hint)\n")
    }
}
