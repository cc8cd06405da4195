import Foundation
import PostgresNIO
import SQLiteNIO

/// Faults of the database that are not the request's fault and pass: the database is down or
/// unreachable, the disk is full, the file is locked. They become `StoreError.unavailable` (503 with
/// Retry-After at the HTTP edge), said in Chinese; nothing was written (the transaction rolled back).
enum Faults {
    static func unavailable(_ error: any Error) -> StoreError? {
        if error is StoreError { return nil }
        if let error = error as? SQLiteError {
            let reason = "\(error.reason)"
            if reason.hasPrefix("full") { return .unavailable("存储空间已满，无法写入数据库；请管理员清理磁盘后重试。本次操作未保存。") }
            for prefix in ["ioError", "busy", "locked", "cantOpen", "readonly", "readOnly", "noMemory", "interrupt"] where reason.hasPrefix(prefix) {
                return .unavailable("数据库暂时无法读写（\(prefix)）；本次操作未保存，请稍后重试。")
            }
            return nil
        }
        if let error = error as? PSQLError {
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown:
                return .unavailable("无法连接数据库；本次操作未保存，请稍后重试。")
            case .server:
                let state = error.serverInfo?[.sqlState] ?? ""
                // 53: insufficient resources (53100 disk full); 57P0x: the server is shutting down; 08: connection.
                if state.hasPrefix("53") || state.hasPrefix("57P") || state.hasPrefix("08") {
                    return .unavailable("数据库暂不可用（\(state)）；本次操作未保存，请稍后重试。")
                }
                return nil
            default:
                return nil
            }
        }
        let type = String(describing: Swift.type(of: error))
        if type.contains("ConnectionPoolError") || type.contains("ChannelError") || type.contains("IOError") || type.contains("NIOConnectionError") {
            return .unavailable("无法连接数据库；本次操作未保存，请稍后重试。")
        }
        return nil
    }

    /// Runs `body`, turning a passing fault of the database into `StoreError.unavailable`.
    static func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch {
            if let unavailable = unavailable(error) { throw unavailable }
            throw error
        }
    }
}
