/// The calendar functions; they read Unix seconds in UTC.
enum DateComponent: String {
    case dayOfMonth = "day_of_month", dayOfWeek = "day_of_week", dayOfYear = "day_of_year"
    case daysInMonth = "days_in_month", hour, minute, month, year

    func value(ofUnixSeconds seconds: Double) -> Double {
        // Beyond ±3e15 s (about 95 million years) the calendar math would overflow.
        guard abs(seconds) < 3e15 else { return .nan }
        let whole = Int64(seconds.rounded(.down))
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let secondOfDay = whole - days * 86_400
        let civil = CivilDate(daysSinceEpoch: days)
        switch self {
        case .dayOfMonth: return Double(civil.day)
        case .dayOfWeek: return Double(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday (4).
        case .dayOfYear: return Double(civil.dayOfYear)
        case .daysInMonth: return Double(civil.daysInMonth)
        case .hour: return Double(secondOfDay / 3600)
        case .minute: return Double(secondOfDay % 3600 / 60)
        case .month: return Double(civil.month)
        case .year: return Double(civil.year)
        }
    }
}

/// A proleptic Gregorian date from days since 1970-01-01 (Howard Hinnant's algorithm).
struct CivilDate {
    let year: Int64
    let month: Int64
    let day: Int64

    init(daysSinceEpoch days: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYearFromMarch = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYearFromMarch + 2) / 153
        day = dayOfYearFromMarch - (153 * monthFromMarch + 2) / 5 + 1
        month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    var isLeapYear: Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    var daysInMonth: Int64 {
        switch month {
        case 2: return isLeapYear ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    var dayOfYear: Int64 {
        let cumulative: [Int64] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
        return cumulative[Int(month - 1)] + day + (isLeapYear && month > 2 ? 1 : 0)
    }
}

extension Evaluator {
    /// With no argument the date functions read `vector(time())`.
    func dateFunction(_ component: DateComponent, _ call: Call, at time: Int64) throws(QueryError) -> [VectorElement] {
        guard let arg = call.args.first else {
            return [VectorElement(labels: Labels(), timestamp: time, value: component.value(ofUnixSeconds: Double(time) / 1000))]
        }
        return try vector(arg, at: time).map { element in
            let value = element.value.isFinite ? component.value(ofUnixSeconds: element.value) : .nan
            return VectorElement(labels: element.labels, timestamp: time, value: value, dropsName: true)
        }
    }
}
