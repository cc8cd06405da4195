import Foundation

/// Why writing below `path` failed, in Chinese: Foundation's own text is English and vague
/// ("The operation could not be completed").
func writeFailure(_ error: any Error, path: String) -> String {
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
    if let posix = error as? POSIXError {
        switch posix.code {
        case .ENOTEMPTY, .EEXIST: return "目标已存在且不为空"
        case .EACCES, .EPERM: return "没有写权限"
        case .ENOSPC: return "磁盘空间不足"
        case .EROFS: return "所在磁盘只读"
        case .EXDEV: return "临时文件与目标不在同一磁盘"
        default: return "系统错误：\(posix.code.rawValue)"
        }
    }
    switch (error as? CocoaError)?.code {
    case .fileWriteNoPermission?: return "没有写权限"
    case .fileWriteOutOfSpace?: return "磁盘空间不足"
    case .fileWriteVolumeReadOnly?: return "所在磁盘只读"
    case .fileNoSuchFile?, .fileWriteInvalidFileName?: return "路径无效"
    default: return "系统错误：\(error.localizedDescription)"
    }
}
