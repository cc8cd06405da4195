import Foundation
@testable import JuesuanStore
import JuesuanTestSupport
import JuesuanCore
import Testing

@Suite("stored times")
struct ClockTests {
    @Test("a stored time is what ISO 8601 with milliseconds writes, for any moment (seeded)")
    func stampMatchesTheFormatter() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var generator = SeededGenerator(seed: 20261205)
        var moments = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400.999), Date(timeIntervalSince1970: 4_102_444_799.5)]
        for _ in 0..<2000 {
            // Whole milliseconds from 1970 to 2100: the formatter's own rounding of sub-millisecond parts is not a contract.
            moments.append(Date(timeIntervalSince1970: Double(Int64.random(in: 0..<4_102_444_800_000, using: &generator)) / 1000))
        }
        for moment in moments {
            #expect(Clock.stamp(moment) == formatter.string(from: moment), "\(moment.timeIntervalSince1970)")
        }
        // Stamps sort as the moments do.
        let sorted = moments.sorted()
        #expect(sorted.map { Clock.stamp($0) } == sorted.map { Clock.stamp($0) }.sorted())
    }
}

@Suite("deadline days")
struct DayTests {
    @Test("a deadline day is midnight in Beijing, as the calendar says, for every day 1992–2100; anything else is no day")
    func daysMatchTheCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        var date = try #require(calendar.date(from: DateComponents(year: 1992, month: 1, day: 1)))
        let end = try #require(calendar.date(from: DateComponents(year: 2101, month: 1, day: 1)))
        var checked = 0
        while date < end {
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            let text = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
            #expect(Cycle.day(text) == date, "\(text)")
            date = try #require(calendar.date(byAdding: .day, value: 1, to: date))
            checked += 1
        }
        #expect(checked > 39_000)
        for bad in ["2025-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "2024-4-30", "２０２４-01-01", "2024/01/01", "", "2024-01-011", "0000-01-01"] {
            #expect(Cycle.day(bad) == nil, "\(bad)")
        }
        #expect(Cycle.day("2024-02-29") != nil)
    }
}

@Suite("Beijing time of a stored time")
struct BeijingTests {
    @Test("a stored time shown in Beijing is what the time zone database says (seeded, 1992–2100), other forms as before")
    func beijingMatchesTheFormatter() throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        var generator = SeededGenerator(seed: 20261205)
        var moments: [Date] = [Date(timeIntervalSince1970: 694_224_000), Date(timeIntervalSince1970: 4_102_444_799.999)]
        for _ in 0..<3000 {
            moments.append(Date(timeIntervalSince1970: Double(Int64.random(in: 694_224_000_000..<4_102_444_800_000, using: &generator)) / 1000))
        }
        for moment in moments {
            #expect(AuditWords.beijing(Clock.stamp(moment)) == formatter.string(from: moment), "\(Clock.stamp(moment))")
        }
        // Without milliseconds, as some older rows were written.
        #expect(AuditWords.beijing("2026-12-04T16:08:03Z") == "2026-12-05 00:08:03")
        // Not a stored time: given back as it is.
        for text in ["2026-13-04T16:08:03Z", "昨天", "", "2026-12-04", "2026-12-04T16:08:03.Z"] {
            #expect(AuditWords.beijing(text) == text, "\(text)")
        }
        // Before 1992 (daylight saving in 1986–1991) the time zone database is asked.
        let summer1988 = Date(timeIntervalSince1970: 584_000_000)
        #expect(AuditWords.beijing(Clock.stamp(summer1988)) == formatter.string(from: summer1988))
    }
}
