import Foundation
@testable import JuesuanStore
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
