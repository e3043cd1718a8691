// Statutory holidays: the days off that the 全国年节及纪念日放假办法 itself fixes for a year,
// before (and without) the State Council's yearly arrangement notice. The working-day calendar uses
// them for PROVISIONAL deadlines in a year whose notice is not loaded yet (SPEC.md §8; README
// "Calendar"). Pure; any thread.
//
// Holidays for all citizens (Art. 2), by the revision in force in the year:
//   2014-2024 (2013 revision): 元旦 1-1; 春节 正月初一..初三; 清明节; 劳动节 5-1; 端午节 五月初五;
//                              中秋节 八月十五; 国庆节 10-1..10-3                       (11 days)
//   2025-     (2024 revision): 元旦 1-1; 春节 农历除夕 + 正月初一..初三; 清明节; 劳动节 5-1..5-2;
//                              端午节; 中秋节; 国庆节 10-1..10-3                        (13 days)
// and Art. 6 of both: a holiday falling on a Saturday or Sunday is given back on a working day
// (补假); here the first Monday-Friday after it that is not itself a holiday or given back.
// What the notice adds on top (bridging days, make-up working weekends 调休) is NOT guessed.
#pragma once

#include <string_view>
#include <vector>

#include "routing/rules/date.h"

namespace xj::rules {

inline constexpr int kStatutoryFirstYear = 2014;  // the 2013 revision's entry into force
inline constexpr int kStatutoryLastYear = 2100;   // the end of the lunar table

struct StatutoryDay {
  Date date;
  std::string_view name;  // 元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节
  bool in_lieu = false;   // a day given back for a holiday on a weekend (补假, Art. 6)
};

// The days in date order; empty outside kStatutoryFirstYear..kStatutoryLastYear.
std::vector<StatutoryDay> statutoryHolidays(int year);

}  // namespace xj::rules
