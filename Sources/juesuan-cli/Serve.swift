import ArgumentParser
import Dispatch
import Foundation
import Juesuan
import JuesuanServer
import JuesuanStore
import JuesuanWeb
import Logging

/// `juesuan serve`: the shared cycle for many people (docs/server.md).
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "启动服务：单位填报、主管部门与财政审核、公开、批量审查（HTTP API 在 /api/v1，说明见 /openapi.json）。",
        discussion: "默认把数据存放在 --data 目录中的 SQLite；多台服务器共用时用 --database postgres://用户:密码@主机:端口/数据库。")

    @Option(name: .long, help: "数据目录（SQLite 数据库所在；不存在时创建）。")
    var data = "juesuan-data"

    @Option(name: .long, help: "PostgreSQL 地址 postgres://…（省略时用 --data 中的 SQLite）。")
    var database: String?

    @Option(name: .long, help: "监听地址。")
    var host = "127.0.0.1"

    @Option(name: .long, help: "端口（0 表示任选一个空闲端口）。")
    var port = 8080

    @Flag(name: .long, help: "载入演示辖区（财政局、三个主管部门、江汉区示例单位与数百个合成单位，每个角色一个用户；密码只打印这一次）。")
    var demo = false

    @Option(name: .long, help: "演示辖区的合成单位数。")
    var demoUnits = 300

    @Flag(name: .long, help: "会话 Cookie 加 Secure（经 TLS 提供服务时）。")
    var secureCookies = false

    @Option(name: .long, help: "信任这些反向代理的 X-Forwarded-For / X-Forwarded-Proto：逗号分隔的地址或网段，如 127.0.0.1,10.0.0.0/8,::1。其他来源的这些请求头一律不信。")
    var trustProxy: String?

    @Flag(name: .long, help: "本进程不处理批量审查队列（由其他服务器处理）。")
    var noWorker = false

    @Flag(name: .long, help: "公开时不生成 report.pdf（没有 Chromium 时）。")
    var noPdf = false

    @Option(name: .long, help: "客户端须在这么多秒内发完请求头（慢速攻击的连接到时关闭）。")
    var headerTimeout = 10

    @Option(name: .long, help: "停止（SIGTERM、Ctrl-C）时等待进行中的请求完成的最长秒数。")
    var shutdownGrace = 30

    @Option(name: .long, help: "把站内消息同时发到用户的电子邮箱：SMTP 服务器 主机:端口（如 127.0.0.1:25；不加密、不认证，用于本地转发服务器）。")
    var smtp: String?

    @Option(name: .long, help: "邮件的发件人地址。")
    var mailFrom: String = "juesuan@localhost.localdomain"

    @Option(name: .long, help: "邮件中链接的服务器地址（如 https://juesuan.example.gov.cn）。")
    var publicURL: String?

    @Option(name: .long, help: "截止前这么多天自动催报尚未上报的单位（每个单位每年一次；0 表示不自动催报）。")
    var remindDays: Int = 7

    @Option(name: .long, help: "把请求的追踪（OpenTelemetry，OTLP/HTTP）发到这个地址，如 http://127.0.0.1:4318/v1/traces（默认不追踪）。")
    var traceEndpoint: String?

    @Option(name: .long, help: "bcrypt 代价（4–15）。")
    var bcryptCost: UInt8 = 11

    func validate() throws {
        if let trustProxy {
            do { _ = try TrustedProxies(parsing: trustProxy) } catch { throw ValidationError("--trust-proxy：\(error)。") }
        }
        guard (0...65535).contains(port) else { throw ValidationError("端口 \(port) 不在 0–65535 之间。") }
        guard (1...600).contains(headerTimeout) else { throw ValidationError("--header-timeout \(headerTimeout) 不在 1–600 秒之间。") }
        guard (0...3600).contains(shutdownGrace) else { throw ValidationError("--shutdown-grace \(shutdownGrace) 不在 0–3600 秒之间。") }
        if let traceEndpoint, let problem = TraceExport.problem(traceEndpoint) { throw ValidationError("--trace-endpoint：\(problem)") }
        guard (4...15).contains(bcryptCost) else { throw ValidationError("bcrypt 代价 \(bcryptCost) 不在 4–15 之间。") }
    }

    func run() throws {
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        let command = self
        Task {
            do { try await command.serve() } catch { outcome.error = error }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }

    final class Outcome: @unchecked Sendable { var error: (any Error)? }

    func serve() async throws {
        var settings = Cycle.Settings()
        // Check, PDF and publication times go to /metrics.
        let metrics = ServerMetrics()
        settings.observe = { step, duration in metrics.step(step, duration) }
        settings.bcryptCost = bcryptCost
        settings.publishPDF = !noPdf
        let logger = Logger(label: "juesuan.serve")
        Uploads.removeStale()
        let cycle = try await Cycle.open(data: data, database: database, settings: settings, logger: logger, connectRetries: 6)
        if demo {
            if try await cycle.isEmpty() {
                print("正在载入演示辖区（\(demoUnits) 个合成单位）……")
                let summary = try await cycle.loadDemo(synthetic: demoUnits)
                print("演示辖区：\(summary.year) 年度，\(summary.units) 个单位。登录（密码只显示这一次）：")
                for login in summary.logins {
                    print("  \(login.role.chineseName)\t\(login.login)\t\(login.password)\t（\(login.org)）")
                }
                print("示例单位：\(summary.exampleOrg)（武汉市江汉区人民政府办公室）")
            } else {
                print("数据目录中已有数据，未再次载入演示辖区（演示密码在第一次启动时已打印）。")
            }
        }
        var options = ServerOptions()
        options.metrics = metrics
        options.host = host
        options.port = port
        options.secureCookies = secureCookies
        if let trustProxy { options.trustedProxies = try TrustedProxies(parsing: trustProxy) }
        options.worker = !noWorker
        options.headTimeout = .seconds(headerTimeout)
        options.shutdownGrace = .seconds(shutdownGrace)
        if let smtp {
            do { options.mail = try MailSettings(parsing: smtp, from: mailFrom, publicURL: publicURL) } catch {
                throw ValidationError("\(error)")
            }
        }
        options.remindDays = remindDays
        let host = self.host
        let tracing = try traceEndpoint.map { try TraceExport.start(endpoint: $0) }
        let app = JuesuanHTTP.application(cycle: cycle, options: options, logger: logger, pages: JuesuanWeb.add) { port in
            print("juesuan 服务已启动：http://\(host):\(port)/  （API：/api/v1，说明：/openapi.json；Ctrl-C 停止）")
            fflush(nil)
        }
        // SIGTERM or Ctrl-C: stop accepting, let requests in flight finish (at most 30 s), then close the store.
        do { try await JuesuanHTTP.run(app, options: options, logger: logger, before: tracing.map { [$0] } ?? []) } catch {
            await cycle.close()
            throw error
        }
        await cycle.close()
        print("juesuan 服务已停止。")
    }
}

/// `juesuan backup`: a consistent copy of the SQLite store, also while the server runs.
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "备份 --data 目录中的 SQLite 数据库（服务运行中也可，得到一致的副本）。")

    @Option(name: .long, help: "数据目录。")
    var data = "juesuan-data"

    @Argument(help: "备份文件（不能已存在）。")
    var out: String

    func run() throws {
        let source = (data as NSString).appendingPathComponent("juesuan.sqlite")
        guard FileManager.default.fileExists(atPath: source) else {
            throw Problem(kind: .inputUnreadable, message: "“\(source)”不存在：--data 目录中没有 juesuan 数据库。")
        }
        guard !FileManager.default.fileExists(atPath: out) else {
            throw Problem(kind: .output, message: "“\(out)”已存在：备份不会覆盖已有文件，请换一个文件名。")
        }
        let temporary = (out as NSString).deletingLastPathComponent.isEmpty ? ".\(UUID().uuidString).backup"
            : ((out as NSString).deletingLastPathComponent as NSString).appendingPathComponent(".\(UUID().uuidString).backup")
        let done = DispatchSemaphore(value: 0)
        let outcome = Serve.Outcome()
        Task {
            do {
                let backend = try await SQLiteBackend.open(path: source, readers: 1, logger: Logger(label: "juesuan.backup"))
                do { try await backend.backup(to: temporary) } catch { outcome.error = error }
                await backend.close()
            } catch { outcome.error = error }
            done.signal()
        }
        done.wait()
        if let error = outcome.error {
            try? FileManager.default.removeItem(atPath: temporary)
            throw Problem(kind: .output, message: "备份失败：\(error)")
        }
        guard link(temporary, out) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw Problem(kind: .output, message: "无法写出“\(out)”（已存在或目录不可写）。")
        }
        unlink(temporary)
        print("已备份到 \(out)")
    }
}
