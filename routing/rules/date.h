// Date: a calendar day (no time, no zone) as a count of days since 1970-01-01, and the age rule
// of SPEC.md §2. Plain value type; any thread. Pure: no clock is read anywhere in the rules core,
// the caller always says which day it means.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace xj::rules {

struct Date {
  int32_t days = 0;  // days since 1970-01-01 (proleptic Gregorian)

  // nullopt unless (y, m, d) is a real day.
  static std::optional<Date> fromYmd(int y, unsigned m, unsigned d);
  int year() const;
  unsigned month() const;
  unsigned day() const;
  // 0 = Sunday ... 6 = Saturday.
  int weekday() const;
  Date plusDays(int n) const { return Date{days + n}; }

  auto operator<=>(const Date&) const = default;
};

// Strict "YYYY-MM-DD" (ten characters, a real day); nullopt otherwise.
std::optional<Date> parseDate(std::string_view text);
std::string formatDate(Date d);

// Whole years of age on `on` (周岁). With reached_day_after = false a person reaches age N on the
// N-th birthday; with true, on the day after it (the SPC juvenile-criminal reading). A 29 Feb
// birthday falls on 28 Feb in common years. Negative when `on` is before the birth date.
int ageOn(Date birth, Date on, bool reached_day_after);

}  // namespace xj::rules
