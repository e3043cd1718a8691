#include "routing/rules/calendar.h"

#include <algorithm>
#include <string>

#include "routing/rules/statutory_holidays.h"

namespace xj::rules {

namespace {
std::bitset<366> weekdaysOf(Date first, int len) {
  std::bitset<366> working;
  for (int i = 0; i < len; ++i) {
    int wd = first.plusDays(i).weekday();
    working[static_cast<size_t>(i)] = wd >= 1 && wd <= 5;
  }
  return working;
}
}  // namespace

Result<WorkCalendar> WorkCalendar::build(const std::vector<CalendarYearData>& years,
                                         Problems& problems) {
  size_t before = problems.size();
  WorkCalendar cal;
  for (const auto& y : years) {
    std::string base = "/years/" + std::to_string(y.year);
    auto first = Date::fromYmd(y.year, 1, 1);
    auto next = Date::fromYmd(y.year + 1, 1, 1);
    if (!first || !next || y.year < 1900 || y.year > 2200) {
      problems.push_back({base, "not a plausible year"});
      continue;
    }
    if (cal.years_.count(y.year)) {
      problems.push_back({base, "year given twice"});
      continue;
    }
    Year data;
    data.first = *first;
    int len = next->days - first->days;
    data.working = weekdaysOf(*first, len);
    std::bitset<366> holiday, makeup;
    for (size_t i = 0; i < y.holidays.size(); ++i) {
      Date d = y.holidays[i];
      if (d.year() != y.year) {
        problems.push_back({base + "/holidays/" + std::to_string(i), "date outside its year"});
        continue;
      }
      holiday[static_cast<size_t>(d.days - first->days)] = true;
    }
    for (size_t i = 0; i < y.makeup_workdays.size(); ++i) {
      Date d = y.makeup_workdays[i];
      if (d.year() != y.year) {
        problems.push_back(
            {base + "/makeup_workdays/" + std::to_string(i), "date outside its year"});
        continue;
      }
      size_t k = static_cast<size_t>(d.days - first->days);
      if (holiday[k]) {
        problems.push_back(
            {base + "/makeup_workdays/" + std::to_string(i), "day is also listed as a holiday"});
        continue;
      }
      makeup[k] = true;
    }
    data.working &= ~holiday;
    data.working |= makeup;
    cal.years_.emplace(y.year, data);
  }
  if (problems.size() != before) return Status::invalid("calendar: invalid data");
  // Every later year without a notice, up to the end of the lunar table: provisional.
  if (!cal.years_.empty()) {
    for (int y = cal.years_.begin()->first + 1; y <= kStatutoryLastYear; ++y) {
      if (cal.years_.count(y)) continue;
      Year data;
      data.first = *Date::fromYmd(y, 1, 1);
      data.provisional = true;
      data.working = weekdaysOf(data.first, Date::fromYmd(y + 1, 1, 1)->days - data.first.days);
      for (const auto& s : statutoryHolidays(y))
        data.working[static_cast<size_t>(s.date.days - data.first.days)] = false;
      cal.years_.emplace(y, data);
    }
  }
  return cal;
}

std::optional<Date> WorkCalendar::lastOfficialDay() const {
  for (auto it = years_.rbegin(); it != years_.rend(); ++it)
    if (!it->second.provisional) return Date::fromYmd(it->first, 12, 31);
  return std::nullopt;
}

Result<bool> WorkCalendar::isWorkingDay(Date d) const {
  int y = d.year();
  auto it = years_.find(y);
  if (it == years_.end())
    return Status::notFound(std::string(kCalendarMissing) + ": no working-day calendar for " +
                            std::to_string(y));
  return static_cast<bool>(it->second.working[static_cast<size_t>(d.days - it->second.first.days)]);
}

Result<Deadline> WorkCalendar::deadlineOf(Date accepted_on, int n,
                                          bool count_acceptance_day) const {
  if (n < 1) return Status::invalid("deadline: working days must be at least 1");
  // The acceptance day is checked too: an acceptance in a year without data is not guessed at.
  auto accepted_ok = isWorkingDay(accepted_on);
  if (!accepted_ok.isOk()) return accepted_ok.status();
  Date d = count_acceptance_day ? accepted_on : accepted_on.plusDays(1);
  bool provisional = false;
  int counted = 0;
  for (;;) {
    auto w = isWorkingDay(d);
    if (!w.isOk()) return w.status();
    provisional = provisional || isProvisional(d.year());
    if (w.value() && ++counted == n) return Deadline{d, provisional};
    d = d.plusDays(1);
  }
}

Result<WorkingDaysLeft> WorkCalendar::workingDaysUntil(Date today, Date due) const {
  const bool past = due.days < today.days;
  Date d = past ? due : today;
  const Date last = past ? today : due;
  WorkingDaysLeft out;
  // Both ends are checked, so that a day outside the calendar is never counted as Mon-Fri.
  for (Date end : {today, due}) {
    if (auto w = isWorkingDay(end); !w.isOk()) return w.status();
    out.provisional = out.provisional || isProvisional(end.year());
  }
  while (d.days < last.days) {
    d = d.plusDays(1);
    auto w = isWorkingDay(d);
    if (!w.isOk()) return w.status();
    out.provisional = out.provisional || isProvisional(d.year());
    if (w.value()) ++out.days;
  }
  if (past) out.days = -std::max(out.days, 1);
  return out;
}

Result<Date> WorkCalendar::deadline(Date accepted_on, int n, bool count_acceptance_day) const {
  auto r = deadlineOf(accepted_on, n, count_acceptance_day);
  if (!r.isOk()) return r.status();
  return r.value().date;
}

Result<int> WorkCalendar::workingDaysIn(int year) const {
  auto it = years_.find(year);
  if (it == years_.end())
    return Status::notFound(std::string(kCalendarMissing) + ": no working-day calendar for " +
                            std::to_string(year));
  return static_cast<int>(it->second.working.count());
}

}  // namespace xj::rules
