#include "routing/rules/lunar.h"

#include <array>
#include <cmath>
#include <cstdint>

namespace xj::rules {

namespace {

// One entry per lunar year 1900-2100 (data, not code: the table published with many calendar
// converters, e.g. github.com/jjonline/calendar.js, which includes the corrections for 1933,
// 1954, 1956, 1978, 1996 and the 2033 leap 11th month; 2057 as in its 2025 revision, where the
// 8th and 9th months' lengths hinge on a new moon near midnight -- no holiday depends on it).
// Checked entry by entry against that repository's src/constant/Lunar.js. Bits:
//   0-3   the leap month (0: none)
//   4-15  months 12..1: bit (0x10000 >> m) set when month m has 30 days, else 29
//   16    the leap month has 30 days, else 29
// clang-format off
constexpr std::array<uint32_t, kLunarLastYear - kLunarFirstYear + 1> kLunarInfo = {
    0x04bd8, 0x04ae0, 0x0a570, 0x054d5, 0x0d260, 0x0d950, 0x16554, 0x056a0, 0x09ad0, 0x055d2,  // 1900
    0x04ae0, 0x0a5b6, 0x0a4d0, 0x0d250, 0x1d255, 0x0b540, 0x0d6a0, 0x0ada2, 0x095b0, 0x14977,  // 1910
    0x04970, 0x0a4b0, 0x0b4b5, 0x06a50, 0x06d40, 0x1ab54, 0x02b60, 0x09570, 0x052f2, 0x04970,  // 1920
    0x06566, 0x0d4a0, 0x0ea50, 0x16a95, 0x05ad0, 0x02b60, 0x186e3, 0x092e0, 0x1c8d7, 0x0c950,  // 1930
    0x0d4a0, 0x1d8a6, 0x0b550, 0x056a0, 0x1a5b4, 0x025d0, 0x092d0, 0x0d2b2, 0x0a950, 0x0b557,  // 1940
    0x06ca0, 0x0b550, 0x15355, 0x04da0, 0x0a5b0, 0x14573, 0x052b0, 0x0a9a8, 0x0e950, 0x06aa0,  // 1950
    0x0aea6, 0x0ab50, 0x04b60, 0x0aae4, 0x0a570, 0x05260, 0x0f263, 0x0d950, 0x05b57, 0x056a0,  // 1960
    0x096d0, 0x04dd5, 0x04ad0, 0x0a4d0, 0x0d4d4, 0x0d250, 0x0d558, 0x0b540, 0x0b6a0, 0x195a6,  // 1970
    0x095b0, 0x049b0, 0x0a974, 0x0a4b0, 0x0b27a, 0x06a50, 0x06d40, 0x0af46, 0x0ab60, 0x09570,  // 1980
    0x04af5, 0x04970, 0x064b0, 0x074a3, 0x0ea50, 0x06b58, 0x05ac0, 0x0ab60, 0x096d5, 0x092e0,  // 1990
    0x0c960, 0x0d954, 0x0d4a0, 0x0da50, 0x07552, 0x056a0, 0x0abb7, 0x025d0, 0x092d0, 0x0cab5,  // 2000
    0x0a950, 0x0b4a0, 0x0baa4, 0x0ad50, 0x055d9, 0x04ba0, 0x0a5b0, 0x15176, 0x052b0, 0x0a930,  // 2010
    0x07954, 0x06aa0, 0x0ad50, 0x05b52, 0x04b60, 0x0a6e6, 0x0a4e0, 0x0d260, 0x0ea65, 0x0d530,  // 2020
    0x05aa0, 0x076a3, 0x096d0, 0x04afb, 0x04ad0, 0x0a4d0, 0x1d0b6, 0x0d250, 0x0d520, 0x0dd45,  // 2030
    0x0b5a0, 0x056d0, 0x055b2, 0x049b0, 0x0a577, 0x0a4b0, 0x0aa50, 0x1b255, 0x06d20, 0x0ada0,  // 2040
    0x14b63, 0x09370, 0x049f8, 0x04970, 0x064b0, 0x168a6, 0x0ea50, 0x06aa0, 0x1a6c4, 0x0aae0,  // 2050
    0x092e0, 0x0d2e3, 0x0c960, 0x0d557, 0x0d4a0, 0x0da50, 0x05d55, 0x056a0, 0x0a6d0, 0x055d4,  // 2060
    0x052d0, 0x0a9b8, 0x0a950, 0x0b4a0, 0x0b6a6, 0x0ad50, 0x055a0, 0x0aba4, 0x0a5b0, 0x052b0,  // 2070
    0x0b273, 0x06930, 0x07337, 0x06aa0, 0x0ad50, 0x14b55, 0x04b60, 0x0a570, 0x054e4, 0x0d160,  // 2080
    0x0e968, 0x0d520, 0x0daa0, 0x16aa6, 0x056d0, 0x04ae0, 0x0a9d4, 0x0a2d0, 0x0d150, 0x0f252,  // 2090
    0x0d520,  // 2100
};
// clang-format on

// 正月初一 of lunar year 1900.
constexpr int32_t kLunar1900NewYear = -25537;  // 1900-01-31 as days since 1970-01-01

uint32_t info(int y) { return kLunarInfo[static_cast<size_t>(y - kLunarFirstYear)]; }
int leapMonth(int y) { return static_cast<int>(info(y) & 0xf); }
int leapDays(int y) { return leapMonth(y) ? ((info(y) & 0x10000) ? 30 : 29) : 0; }
int monthDays(int y, int m) { return (info(y) & (0x10000u >> m)) ? 30 : 29; }

bool inTable(int y) { return y >= kLunarFirstYear && y <= kLunarLastYear; }

// 正月初一 of lunar year y (in the table).
int32_t newYear(int y) {
  int32_t d = kLunar1900NewYear;
  for (int i = kLunarFirstYear; i < y; ++i) d += lunarYearDays(i);
  return d;
}

constexpr double kPi = 3.14159265358979323846;
double rad(double deg) { return deg * kPi / 180.0; }
double norm360(double a) {
  a = std::fmod(a, 360.0);
  return a < 0 ? a + 360.0 : a;
}

// The Sun's apparent geocentric longitude (degrees, mean equinox of date) at Julian Ephemeris
// Day `jde` (Meeus ch. 25, low precision).
double apparentSolarLongitude(double jde) {
  double t = (jde - 2451545.0) / 36525.0;
  double l0 = 280.46646 + 36000.76983 * t + 0.0003032 * t * t;
  double m = rad(357.52911 + 35999.05029 * t - 0.0001537 * t * t);
  double c = (1.914602 - 0.004817 * t - 0.000014 * t * t) * std::sin(m) +
             (0.019993 - 0.000101 * t) * std::sin(2 * m) + 0.000289 * std::sin(3 * m);
  double omega = rad(125.04 - 1934.136 * t);
  return norm360(l0 + c - 0.00569 - 0.00478 * std::sin(omega));
}

// TT - UT in seconds (Espenak and Meeus polynomials); a minute off moves the term by a minute.
double deltaTSeconds(int year) {
  double y = year + 0.5;
  if (y < 2005) {
    double t = y - 2000;
    return 63.86 + 0.3345 * t - 0.060374 * t * t;  // 1986-2005; good enough before too
  }
  if (y < 2050) {
    double t = y - 2000;
    return 62.92 + 0.32217 * t + 0.005589 * t * t;
  }
  if (y < 2150) {
    double u = (y - 1820) / 100;
    return -20 + 32 * u * u - 0.5628 * (2150 - y);
  }
  double u = (y - 1820) / 100;
  return -20 + 32 * u * u;
}

}  // namespace

int lunarYearDays(int y) {
  if (!inTable(y)) return 0;
  int days = leapDays(y);
  for (int m = 1; m <= 12; ++m) days += monthDays(y, m);
  return days;
}

std::optional<Date> lunarToSolar(int y, int month, int day, bool leap) {
  if (!inTable(y) || month < 1 || month > 12 || day < 1) return std::nullopt;
  int lm = leapMonth(y);
  if (leap && lm != month) return std::nullopt;
  int32_t d = newYear(y);
  for (int m = 1; m < month; ++m) {
    d += monthDays(y, m);
    if (m == lm) d += leapDays(y);
  }
  if (leap) d += monthDays(y, month);  // the leap month follows the ordinary one
  int len = leap ? leapDays(y) : monthDays(y, month);
  if (day > len) return std::nullopt;
  return Date{d + day - 1};
}

std::optional<Date> lunarNewYearsEve(int y) {
  if (!inTable(y)) return std::nullopt;
  return Date{newYear(y) + lunarYearDays(y) - 1};
}

std::optional<Date> qingming(int year) {
  if (year < 1900 || year > 2200) return std::nullopt;
  auto april4 = Date::fromYmd(year, 4, 4);
  // Julian Day of 00:00 UT on 4 April; Newton steps on the longitude (about 0.9856 deg/day).
  double jde = april4->days + 2440587.5;
  for (int i = 0; i < 8; ++i) {
    double diff = 15.0 - apparentSolarLongitude(jde);
    if (diff > 180) diff -= 360;
    if (diff < -180) diff += 360;
    jde += diff * 365.2422 / 360.0;
  }
  double jd_ut = jde - deltaTSeconds(year) / 86400.0;
  double beijing_days = jd_ut - 2440587.5 + 8.0 / 24.0;  // days since 1970-01-01 00:00 UTC+8
  return Date{static_cast<int32_t>(std::floor(beijing_days))};
}

}  // namespace xj::rules
