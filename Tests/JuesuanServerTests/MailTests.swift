import Foundation
import Juesuan
@testable import JuesuanServer
@testable import JuesuanStore
import JuesuanTestSupport
import Logging
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A local SMTP sink on loopback: accepts connections, answers as a mail server does, keeps each message.
final class SMTPSink: @unchecked Sendable {
    let port: Int
    private let socket: Int32
    private let lock = NSLock()
    private var received: [String] = []

    var messages: [String] { lock.lock(); defer { lock.unlock() }; return received }

    init() throws {
        let listener = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        listen(listener, 8)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        socket = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        let sink = self
        Thread.detachNewThread { sink.serve() }
    }

    private func serve() {
        while true {
            let client = accept(socket, nil, nil)
            guard client >= 0 else { return }
            var buffer = [UInt8]()
            func say(_ text: String) { _ = Array((text + "\r\n").utf8).withUnsafeBufferPointer { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
            func line() -> String? {
                while true {
                    if let end = buffer.firstIndex(of: 10) {
                        let text = String(decoding: buffer[..<end], as: UTF8.self).trimmingCharacters(in: .newlines)
                        buffer.removeSubrange(...end)
                        return text.hasSuffix("\r") ? String(text.dropLast()) : text
                    }
                    var chunk = [UInt8](repeating: 0, count: 4096)
                    let count = recv(client, &chunk, chunk.count, 0)
                    guard count > 0 else { return nil }
                    buffer += chunk[0..<count]
                }
            }
            say("220 sink ESMTP")
            while let command = line() {
                let upper = command.uppercased()
                if upper.hasPrefix("EHLO") { say("250-sink"); say("250 8BITMIME") }
                else if upper.hasPrefix("DATA") {
                    say("354 go ahead")
                    var data: [String] = []
                    while let text = line(), text != "." { data.append(text) }
                    lock.lock(); received.append(data.joined(separator: "\n")); lock.unlock()
                    say("250 queued")
                } else if upper.hasPrefix("QUIT") { say("221 bye"); break }
                else { say("250 ok") }
            }
            close(client)
        }
    }

    deinit { close(socket) }

    /// The subject and body of a message as a person reads them.
    static func decode(_ message: String) -> (subject: String, body: String) {
        let parts = message.components(separatedBy: "\n\n")
        let headers = parts.first ?? ""
        var subject = ""
        for header in headers.split(separator: "\n") where header.hasPrefix("Subject: =?UTF-8?B?") {
            let encoded = header.dropFirst("Subject: =?UTF-8?B?".count).dropLast(2)
            subject = String(decoding: Data(base64Encoded: String(encoded)) ?? Data(), as: UTF8.self)
        }
        let body = String(decoding: Data(base64Encoded: parts.dropFirst().joined().replacingOccurrences(of: "\n", with: "")) ?? Data(), as: UTF8.self)
        return (subject, body)
    }
}

@Suite("serve: e-mail and the automatic 催报", .serialized) struct MailTests {
    @Test("a reminder before the deadline reaches the unit's filler by e-mail through a local SMTP sink, once; a dead mail server only delays it")
    func reminderByMail() async throws {
        let harness = try await Harness.make(.sqlite, synthetic: 0)
        let cycle = harness.cycle
        let admin = try await AttackTests.caller(cycle, "admin")
        // An address with a line break would add mail headers: refused.
        await #expect(throws: StoreError.self) {
            _ = try await cycle.people.updateUser(admin, login: "tianbao", .init(email: "tianbao@example.gov.cn\r\nBcc: all@example.gov.cn"))
        }
        let account = try await cycle.people.updateUser(admin, login: "tianbao", .init(email: "tianbao@example.gov.cn"))
        #expect(account.email == "tianbao@example.gov.cn")
        // Three days before the 2021 task's deadline: the example unit (not yet up) is reminded, once.
        let deadline = try await cycle.backend.read { db in
            try await db.raw("SELECT deadline FROM tasks WHERE year = 2021").first()!.decode(column: "deadline", as: String.self)
        }
        let day = Cycle.day(deadline)!
        #expect(try await cycle.messages.sendDueReminders(days: 7, now: day.addingTimeInterval(-30 * 86_400)) == 0, "a month before: not yet")
        let reminded = try await cycle.messages.sendDueReminders(days: 7, now: day.addingTimeInterval(-3 * 86_400))
        #expect(reminded >= 1)
        #expect(try await cycle.messages.sendDueReminders(days: 7, now: day.addingTimeInterval(-2 * 86_400)) == 0, "once per unit and year")
        let filler = try await AttackTests.caller(cycle, "tianbao")
        #expect(try await cycle.messages.list(filler, paging: Paging()).items.contains { $0.title.contains("催报") })
        // The mail server is down: nothing is sent, the message waits.
        let logger = Logger(label: "test")
        var down = MailSettings(host: "127.0.0.1", port: 9, from: "juesuan@example.gov.cn")
        down.timeout = 2
        await MailService(cycle: cycle, mail: down, remindDays: 0, logger: logger).deliver(down)
        #expect(try await cycle.messages.pendingMail().contains { $0.address == "tianbao@example.gov.cn" })
        // Up again: delivered, with its subject, the person's name and the link.
        let sink = try SMTPSink()
        let up = MailSettings(host: "127.0.0.1", port: sink.port, from: "juesuan@example.gov.cn", publicURL: "https://juesuan.example.gov.cn")
        await MailService(cycle: cycle, mail: up, remindDays: 0, logger: logger).deliver(up)
        let mails = sink.messages.map(SMTPSink.decode)
        #expect(mails.contains { $0.subject.contains("催报") && $0.body.contains("https://juesuan.example.gov.cn/app/reports/2021/") }, "\(mails)")
        #expect(sink.messages.allSatisfy { $0.contains("To: <tianbao@example.gov.cn>") })
        #expect(try await cycle.messages.pendingMail().isEmpty)
        await harness.close()
    }
}
