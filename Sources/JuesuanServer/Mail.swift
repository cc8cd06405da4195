import Foundation
import JuesuanStore
import Logging
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// Where e-mail goes: a plain SMTP server (a relay on the local network, or a sink on loopback in tests).
public struct MailSettings: Sendable {
    public var host: String
    public var port: Int
    /// The sender address.
    public var from: String
    /// The server's address as people reach it ("https://juesuan.example.gov.cn"), for the links in mails.
    public var publicURL: String?
    /// Seconds allowed for connecting and for each reply.
    public var timeout: Int = 10

    public init(host: String, port: Int, from: String, publicURL: String? = nil) {
        self.host = host
        self.port = port
        self.from = from
        self.publicURL = publicURL
    }

    /// "host:port" as given on the command line.
    public init(parsing text: String, from: String, publicURL: String?) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port) else {
            throw MailError("SMTP 服务器应写作 主机:端口（如 127.0.0.1:25），现为“\(text)”")
        }
        try Cycle.checkEmail(from)
        self.init(host: String(parts[0]), port: port, from: from, publicURL: publicURL)
    }
}

public struct MailError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// A minimal SMTP client (RFC 5321) over a blocking socket with timeouts: EHLO, MAIL FROM, RCPT TO, DATA,
/// QUIT. The message is UTF-8 text, base64-encoded, with an RFC 2047 subject.
enum SMTP {
    static func send(_ settings: MailSettings, to address: String, subject: String, body: String) throws {
        try Cycle.checkEmail(address)
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(settings.host, String(settings.port), &hints, &found) == 0, let info = found else {
            throw MailError("找不到 SMTP 服务器 \(settings.host)")
        }
        defer { freeaddrinfo(found) }
        let socket = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard socket >= 0 else { throw MailError("无法建立连接") }
        defer { close(socket) }
        var timeout = timeval(tv_sec: settings.timeout, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connect(socket, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            throw MailError("无法连接 SMTP 服务器 \(settings.host):\(settings.port)")
        }
        var buffer = [UInt8]()
        func reply() throws -> Int {
            // Lines until one whose fourth character is a space ("250 OK"; "250-…" continues).
            while true {
                if let end = buffer.firstIndex(of: 10) {
                    let line = String(decoding: buffer[..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                    buffer.removeSubrange(...end)
                    let characters = Array(line)
                    if characters.count >= 3, let code = Int(String(characters[0..<3])), characters.count == 3 || characters[3] == " " { return code }
                    continue
                }
                var chunk = [UInt8](repeating: 0, count: 4096)
                let count = recv(socket, &chunk, chunk.count, 0)
                guard count > 0 else { throw MailError("SMTP 服务器没有回应") }
                buffer += chunk[0..<count]
                if buffer.count > 65536 { throw MailError("SMTP 服务器的回应过长") }
            }
        }
        func command(_ text: String, expect: ClosedRange<Int>) throws {
            let bytes = Array((text + "\r\n").utf8)
            var sent = 0
            while sent < bytes.count {
                let count = bytes[sent...].withUnsafeBufferPointer { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard count > 0 else { throw MailError("向 SMTP 服务器发送失败") }
                sent += count
            }
            let code = try reply()
            guard expect.contains(code) else { throw MailError("SMTP 服务器拒绝（\(code)）：\(text.prefix(40))") }
        }
        guard (200...299).contains(try reply()) else { throw MailError("SMTP 服务器不接受连接") }
        try command("EHLO juesuan", expect: 200...299)
        try command("MAIL FROM:<\(settings.from)>", expect: 200...299)
        try command("RCPT TO:<\(address)>", expect: 200...299)
        try command("DATA", expect: 300...399)
        try command(message(from: settings.from, to: address, subject: subject, body: body) + "\r\n.", expect: 200...299)
        try? command("QUIT", expect: 200...299)
    }

    /// The message: headers, then the body in base64 lines of 76 characters.
    static func message(from: String, to: String, subject: String, body: String, date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let encoded = Data(body.utf8).base64EncodedString()
        var lines: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return [
            "From: juesuan <\(from)>",
            "To: <\(to)>",
            "Subject: =?UTF-8?B?\(Data(subject.utf8).base64EncodedString())?=",
            "Date: \(formatter.string(from: date))",
            "Message-ID: <\(UUID().uuidString)@juesuan>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "",
        ].joined(separator: "\r\n") + "\r\n" + lines.joined(separator: "\r\n")
    }
}

/// Beside the HTTP server: sends the automatic 催报 when deadlines come near, and e-mails the in-app
/// messages of people with an address. Never inside a request; a mail server that is slow or down only
/// delays the mail (each message is tried a few times, then left in the in-app list).
struct MailService: Service {
    let cycle: Cycle
    let mail: MailSettings?
    let remindDays: Int
    let logger: Logger
    var interval: Duration = .seconds(5)

    func run() async throws {
        var lastReminders = ContinuousClock.now - .seconds(3600)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if remindDays > 0, lastReminders.duration(to: .now) >= .seconds(600) {
                lastReminders = .now
                do {
                    let count = try await cycle.messages.sendDueReminders(days: remindDays)
                    if count > 0 { logger.info("自动催报 \(count) 个单位") }
                } catch {
                    logger.warning("自动催报出错：\(String(describing: error).prefix(300))")
                }
            }
            if let mail { await deliver(mail) }
            try? await Task.sleep(for: interval)
        }
    }

    func deliver(_ mail: MailSettings) async {
        guard let pending = try? await cycle.messages.pendingMail() else { return }
        for message in pending {
            let link = message.link.map { (mail.publicURL ?? "") + $0 }
            let body = "\(message.name)：\n\n\(message.body)\n" + (link.map { "\n查看：\($0)\n" } ?? "") + "\n——juesuan 决算（此邮件由系统发出，请勿回复）\n"
            let sent: Bool = await withCheckedContinuation { continuation in
                // Blocking socket calls on a thread of their own, not on the server's event loops.
                Thread.detachNewThread {
                    do {
                        try SMTP.send(mail, to: message.address, subject: message.title, body: body)
                        continuation.resume(returning: true)
                    } catch {
                        logger.warning("邮件未发出（消息 \(message.id)）：\(error)")
                        continuation.resume(returning: false)
                    }
                }
            }
            try? await cycle.messages.markMailed(message.id, sent: sent)
            if !sent { break }  // the server is down: try again later
        }
    }
}
