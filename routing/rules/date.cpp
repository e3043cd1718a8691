#include "routing/rules/date.h"

#include <chrono>
#include <cstdio>

namespace xj::rules {

namespace {
std::chrono::year_month_day ymdOf(Date d) {
  return std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{d.days}}};
}
}  // namespace

std::optional<Date> Date::fromYmd(int y, unsigned m, unsigned d) {
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return Date{static_cast<int32_t>(std::chrono::sys_days{ymd}.time_since_epoch().count())};
}

int Date::year() const { return static_cast<int>(ymdOf(*this).year()); }
unsigned Date::month() const { return static_cast<unsigned>(ymdOf(*this).month()); }
unsigned Date::day() const { return static_cast<unsigned>(ymdOf(*this).day()); }

int Date::weekday() const {
  // 1970-01-01 was a Thursday (4).
  int w = (days % 7 + 7 + 4) % 7;
  return w;
}

std::optional<Date> parseDate(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  auto num = [&](size_t pos, size_t n, int& out) {
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      v = v * 10 + (t[i] - '0');
    }
    out = v;
    return true;
  };
  int y = 0, m = 0, d = 0;
  if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d)) return std::nullopt;
  return Date::fromYmd(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string formatDate(Date d) {
  auto ymd = ymdOf(d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

int ageOn(Date birth, Date on, bool reached_day_after) {
  auto b = ymdOf(birth);
  auto o = ymdOf(on);
  int years = static_cast<int>(o.year()) - static_cast<int>(b.year());
  unsigned bm = static_cast<unsigned>(b.month());
  unsigned bd = static_cast<unsigned>(b.day());
  // A 29 Feb birthday is kept on 28 Feb in common years (SPEC.md §2, parameter age.reached_on).
  if (bm == 2 && bd == 29 && !o.year().is_leap()) bd = 28;
  unsigned om = static_cast<unsigned>(o.month());
  unsigned od = static_cast<unsigned>(o.day());
  bool before_birthday = om < bm || (om == bm && od < bd);
  bool on_birthday = om == bm && od == bd;
  if (before_birthday || (reached_day_after && on_birthday)) --years;
  return years;
}

}  // namespace xj::rules
