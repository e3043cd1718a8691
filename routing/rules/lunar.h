// Lunar: the Chinese lunisolar calendar (农历) and the Qingming solar term, as far as the
// statutory holidays need them (全国年节及纪念日放假办法: 春节, 端午节, 中秋节 fall on lunar dates,
// 清明节 on a solar term). Pure functions of the year; no clock; any thread.
//
// Lunar months come from the widely used per-year table of month lengths and leap months for
// lunar years 1900-2100 (the Purple Mountain Observatory calendar, with the 2033 leap-11th-month
// correction); the Qingming day from the Sun's apparent longitude (15 degrees), computed with the
// low-precision solar formulas of Meeus, Astronomical Algorithms ch. 25 (about 0.01 degree, i.e.
// about 15 minutes), on Beijing time (UTC+8).
#pragma once

#include <optional>

#include "routing/rules/date.h"

namespace xj::rules {

inline constexpr int kLunarFirstYear = 1900;
inline constexpr int kLunarLastYear = 2100;

// The Gregorian day of lunar (year, month, day); `leap` selects the leap month of that number.
// nullopt when the year is outside the table, the month has no leap, or the day exceeds the
// month's length.
std::optional<Date> lunarToSolar(int lunar_year, int month, int day, bool leap = false);

// Days in lunar year `lunar_year` (353-355, or 383-385 with a leap month); 0 outside the table.
int lunarYearDays(int lunar_year);

// 农历除夕: the last day of lunar year `lunar_year` (the eve of the next year's 正月初一), which
// falls in January or February of Gregorian year lunar_year + 1.
std::optional<Date> lunarNewYearsEve(int lunar_year);

// The Qingming solar term (清明, the Sun at 15 degrees) in Gregorian year `year`, Beijing date:
// 4 or 5 April (6 April in rare years outside this century). nullopt outside 1900-2200.
std::optional<Date> qingming(int year);

}  // namespace xj::rules
