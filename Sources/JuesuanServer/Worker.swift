import Foundation
import JuesuanStore
import Logging
import ServiceLifecycle

/// Works the batch-audit queue beside the HTTP server; stops with it (graceful shutdown).
struct BatchWorker: Service {
    let cycle: Cycle
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if try await cycle.processNextJob() { continue }
            } catch {
                logger.warning("批量审查队列出错：\(String(describing: error).prefix(300))")
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }
}
