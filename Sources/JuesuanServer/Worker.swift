import Foundation
import JuesuanStore
import Logging
import ServiceLifecycle

/// Works the batch-audit queue beside the HTTP server, and prepares the public package of each report 财政
/// approves (so that 公开 only copies it); stops with the server (graceful shutdown).
struct BatchWorker: Service {
    let cycle: Cycle
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if try await cycle.batchAudits.processNextJob() { continue }
                if try await cycle.publishing.prepareNextPublication() { continue }
            } catch {
                logger.warning("批量审查队列出错：\(String(describing: error).prefix(300))")
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }
}
