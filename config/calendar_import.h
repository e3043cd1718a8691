// Calendar import: turns a year's holiday arrangement (the State Council notice, transcribed)
// into the calendar file the hub loads, config/standards/holidays-YYYY.json, in the format of
// holidays-2024-2026.json. Used by `xianjie calendar import FILE [--out DIR]` (README
// "Calendar"). Pure functions of their inputs; any thread.
//
// Accepted input:
//  - the hub's own format: {"years": {"2027": {"holidays": [...], "makeup_workdays": [...]}}}
//    with exactly one year; entries "YYYY-MM-DD" or {"date": ..., "name": ...};
//  - the holiday-cn format (github.com/NateScarlet/holiday-cn):
//    {"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}, ...]},
//    isOffDay=false being a make-up working day (调休上班).
// Checks (every problem listed with its JSON path in the input): every date a real
// YYYY-MM-DD inside the year, no day both a holiday and a make-up working day, no day twice.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hub/core/problem.h"
#include "hub/core/status.h"
#include "routing/rules/date.h"

namespace xj::household {

struct NamedDay {
  rules::Date date;
  std::string name;
};

struct YearArrangement {
  int year = 0;
  std::vector<NamedDay> holidays;         // days off, sorted
  std::vector<NamedDay> makeup_workdays;  // weekend days worked (调休), sorted
  std::vector<std::string> source_notice;
};

Result<YearArrangement> parseArrangement(std::string_view json, Problems& problems);

// The calendar file text (pretty-printed JSON, UTF-8) for one year.
std::string calendarFileJson(const YearArrangement& year);

// Statutory holidays (statutory_holidays.h, without the days given back) that the arrangement
// leaves as working days: almost always a transcription error, shown as a warning.
std::vector<std::string> statutoryDaysNotOff(const YearArrangement& year);

}  // namespace xj::household
