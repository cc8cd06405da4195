import Foundation

/// Dates as Chinese documents print them: 2026年12月2日.
public enum ChineseDate {
    /// `date` in the local calendar as 2026年12月2日.
    public static func long(_ date: Date) -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone.current, from: date)
        return "\(parts.year ?? 0)年\(parts.month ?? 0)月\(parts.day ?? 0)日"
    }
}
