// WorkCalendar: working days from the State Council holiday notices (SPEC.md §8), one table per
// year, loaded from config data by an adapter. Immutable after build(); any thread.
//
//   isWorkingDay(d) = d is a make-up working day, or (Mon-Fri and d is not a holiday)
//   deadline(accepted_on, n) = the n-th working day strictly after accepted_on (民法典 art.201)
//
// A year after the first official one that has no notice yet (typically the coming year, whose
// notice appears weeks before it starts) is PROVISIONAL: its days off are the statutory holidays
// the law itself fixes (statutory_holidays.h) and weekends, with no make-up working days; every
// deadline that counts a day of such a year says so, and is recomputed once the notice is loaded.
// A date before the first official year, or after the lunar table's end (2100), is an error whose
// message starts with "calendar_missing", never a guess at Mon-Fri.
#pragma once

#include <bitset>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "hub/core/problem.h"
#include "hub/core/status.h"
#include "routing/rules/date.h"

namespace xj::rules {

inline constexpr std::string_view kCalendarMissing = "calendar_missing";

struct CalendarYearData {
  int year = 0;
  std::vector<Date> holidays;
  std::vector<Date> makeup_workdays;
};

// A deadline and whether a provisional year took part in counting it.
struct Deadline {
  Date date;
  bool provisional = false;
};

// Working days from one day to another (workingDaysUntil) and whether a provisional year took
// part in counting them.
struct WorkingDaysLeft {
  int days = 0;
  bool provisional = false;
};

class WorkCalendar {
 public:
  // Checks that every date lies in its year and that no day is both a holiday and a make-up
  // day; appends every problem (paths "/years/2024/holidays/3") and fails if there was one.
  static Result<WorkCalendar> build(const std::vector<CalendarYearData>& years, Problems& problems);

  // The year's official arrangement is loaded.
  bool hasYear(int year) const {
    auto it = years_.find(year);
    return it != years_.end() && !it->second.provisional;
  }
  // The year has no notice loaded and is counted from the statutory holidays.
  bool isProvisional(int year) const {
    auto it = years_.find(year);
    return it != years_.end() && it->second.provisional;
  }
  // 31 December of the last year with an official arrangement; nullopt when there is none.
  std::optional<Date> lastOfficialDay() const;

  Result<bool> isWorkingDay(Date d) const;
  // n >= 1. With count_acceptance_day the acceptance day itself, if a working day, is day 1
  // (some offices' convention; SPEC.md §8 makes it a parameter, default false). `provisional`
  // when any day counted lies in a provisional year.
  Result<Deadline> deadlineOf(Date accepted_on, int n, bool count_acceptance_day = false) const;
  // Working days from `today` to `due`, for showing how much time is left: the working days
  // after today up to and including `due` (so deadlineOf(today, n) is n days away, and a due
  // date of today is 0); once `due` has passed, minus the working days after it up to and
  // including today, and at least 1 (on the Saturday after a Friday due date it is overdue, by
  // the Monday it will be one working day). calendar_missing as deadlineOf.
  Result<WorkingDaysLeft> workingDaysUntil(Date today, Date due) const;
  // The date of deadlineOf() alone.
  Result<Date> deadline(Date accepted_on, int n, bool count_acceptance_day = false) const;
  // Working days in a year (2024 = 251, 2025 = 248, 2026 = 248 per SPEC.md §8).
  Result<int> workingDaysIn(int year) const;

 private:
  struct Year {
    Date first;
    std::bitset<366> working;  // by day of year
    bool provisional = false;
  };
  std::map<int, Year> years_;
};

}  // namespace xj::rules
