import Foundation

/// The audit log in the words and time of the people who read it: actions and targets in Chinese,
/// times in Beijing time. The log itself keeps stable codes and ISO UTC stamps (API, JSON).
public enum AuditWords {
    public static let actions: [String: String] = [
        "login": "登录", "login-failed": "登录失败", "logout": "退出", "account-locked": "账户锁定", "password-changed": "修改密码",
        "password-reset": "重置密码", "user-created": "新建用户", "user-changed": "修改用户", "user-unlocked": "解除锁定",
        "bootstrap": "初始化", "logo-set": "设置公开标志", "logo-removed": "去掉公开标志", "orgs-imported": "导入组织机构", "org-changed": "修改单位", "task-created": "设立年度任务",
        "task-changed": "修改年度任务", "upload": "上传", "recheck": "重新检查", "consolidate": "汇总", "explain": "填写说明", "confirm": "审核确认", "remind": "催报", "withdraw": "撤回", "remark": "批注",
        "submit": "上报", "return": "退回", "approve": "审核通过", "publish": "公开", "batch-created": "新建批量审查",
        "batch-file": "批量审查加入文件",
    ]

    /// The action in Chinese (the code itself when it has no name yet).
    public static func action(_ code: String) -> String { actions[code] ?? code }

    /// The code of an action named in Chinese or by its code ("上报" → "submit"); nil when unknown.
    public static func code(_ word: String) -> String? {
        let word = word.trimmingCharacters(in: .whitespaces)
        if actions[word] != nil { return word }
        return actions.first { $0.value == word }?.key
    }

    /// A target in Chinese: "report:2021/420103001001" → "2021 年度报表（420103001001）".
    public static func target(_ target: String) -> String {
        guard let colon = target.firstIndex(of: ":") else { return target }
        let kind = target[..<colon], rest = String(target[target.index(after: colon)...])
        switch kind {
        case "report":
            let parts = rest.split(separator: "/")
            if parts.count == 3, parts[2] == "budget" { return "\(parts[0]) 年度部门预算（\(parts[1])）" }
            return parts.count == 2 ? "\(parts[0]) 年度报表（\(parts[1])）" : "报表 \(rest)"
        case "user": return "用户 \(rest)"
        case "org": return "单位 \(rest)"
        case "task": return rest.hasSuffix(":budget") ? "\(rest.dropLast(7)) 年度部门预算任务" : "\(rest) 年度任务"
        case "site": return "公开页面的标志"
        case "file": return "文件“\(rest)”"
        case "batch": return "批量审查 \(rest)"
        default: return target
        }
    }

    /// An ISO time stamp as Beijing time: "2026-12-04 16:08:03".
    public static func beijing(_ stamp: String, zone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!) -> String {
        // Beijing has been UTC+8 all year since 1992: a stored UTC time is shifted by arithmetic.
        if zone.identifier == "Asia/Shanghai", let seconds = CivilTime.seconds(stamp: stamp), seconds >= 694_224_000 {
            return CivilTime.text(seconds: seconds, offset: 8 * 3_600)
        }
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        guard let date = parser.date(from: stamp) ?? plain.date(from: stamp) else { return stamp }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }
}
