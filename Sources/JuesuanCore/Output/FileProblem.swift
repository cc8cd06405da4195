import Foundation

/// Why reading or writing a path failed, in Chinese: Foundation's own text is English and vague
/// ("The operation could not be completed").
public enum FileProblem {
    /// The cause of `error` for `path`, looked up on the file system where the error does not say.
    public static func describe(_ error: any Error, path: String) -> String {
        let manager = FileManager.default
        var ancestor = URL(fileURLWithPath: path).standardizedFileURL
        while ancestor.path != "/" {
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: ancestor.path, isDirectory: &isDirectory) {
                if !isDirectory.boolValue && ancestor.path != URL(fileURLWithPath: path).standardizedFileURL.path {
                    return "\(ancestor.path) 是文件而不是文件夹"
                }
                if !manager.isWritableFile(atPath: ancestor.path) { return "没有 \(ancestor.path) 的写权限" }
                break
            }
            ancestor.deleteLastPathComponent()
        }
        if let refusal = error as? OutputRefusal { return refusal.reason }
        if let posix = error as? POSIXError {
            switch posix.code {
            case .ENOTEMPTY, .EEXIST: return "目标已存在且不为空"
            case .EACCES, .EPERM: return "没有写权限"
            case .ENOSPC: return "磁盘空间不足"
            case .EROFS: return "所在磁盘只读"
            case .EXDEV: return "临时文件与目标不在同一磁盘"
            case .ENOENT: return "路径不存在"
            case .EISDIR: return "这是文件夹而不是文件"
            case .ENOTDIR: return "路径中有一段是文件而不是文件夹"
            default: return "系统错误（errno \(posix.code.rawValue)）"
            }
        }
        let cocoa = error as? CocoaError
        switch cocoa?.code {
        case .fileWriteNoPermission?, .fileReadNoPermission?: return "没有权限"
        case .fileWriteOutOfSpace?: return "磁盘空间不足"
        case .fileWriteVolumeReadOnly?: return "所在磁盘只读"
        case .fileNoSuchFile?, .fileReadNoSuchFile?: return "文件不存在"
        case .fileWriteInvalidFileName?, .fileReadInvalidFileName?: return "路径无效"
        case .fileReadCorruptFile?: return "文件已损坏"
        case .fileReadInapplicableStringEncoding?: return "不是 UTF-8 文本"
        case .fileReadTooLarge?: return "文件太大"
        default: break
        }
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return describe(POSIXError(code), path: path)
        }
        return "系统错误（\((error as NSError).domain) \((error as NSError).code)）"
    }
}
