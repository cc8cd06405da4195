import Foundation
import SQLKit

/// The bureau's own look on the public pages: its logo (the name is the root organisation's).
extension Cycle {
    /// The largest logo accepted.
    public static let logoLimit = 256 * 1024

    /// "image/png" or "image/jpeg" by the file's first bytes; nil for anything else.
    static func imageType(_ data: Data) -> String? {
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        return nil
    }
}

extension Publishing {
    /// Sets (or, with nil, removes) the logo shown on the public pages: a PNG or JPEG of at most 256 KiB. Only the
    /// root's administrators: the public pages speak for the whole jurisdiction.
    public func setLogo(_ caller: Caller, _ data: Data?) async throws {
        try require(caller, .administer, "设置公开页面的标志")
        guard caller.atRoot else { throw StoreError.forbidden("公开页面的标志代表整个辖区，只有财政局（根节点）的管理员可以设置。") }
        if let data {
            guard !data.isEmpty else { throw StoreError.invalid("请选择标志图片。") }
            guard data.count <= Cycle.logoLimit else {
                throw StoreError.invalid("标志图片为 \(data.count / 1024) KiB，超过 \(Cycle.logoLimit / 1024) KiB；请缩小后再上传。")
            }
            guard Cycle.imageType(data) != nil else { throw StoreError.invalid("标志须为 PNG 或 JPEG 图片。") }
        }
        try await backend.write { db in
            try await db.raw("DELETE FROM site WHERE key = 'logo'").run()
            if let data { try await db.raw("INSERT INTO site (key, value) VALUES ('logo', \(bind: data))").run() }
            try await self.log(db, caller, action: data == nil ? "logo-removed" : "logo-set", org: nil, target: "site:logo",
                               detail: data.map { "\($0.count) 字节" })
        }
    }

    /// The logo and its content type, when one is set.
    public func logo() async throws -> (Data, String)? {
        try await backend.read { db in
            guard let data = try await db.raw("SELECT value FROM site WHERE key = 'logo'").first()?.decode(column: "value", as: Data.self),
                  let type = Cycle.imageType(data) else { return nil }
            return (data, type)
        }
    }
}
