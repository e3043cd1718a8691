#include "hub/core/time_format.h"

#include <cstdio>

namespace xj {
namespace {
bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}
}  // namespace

std::string formatRfc3339(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto ms = time_point_cast<milliseconds>(t);
  auto days = floor<std::chrono::days>(ms);
  year_month_day ymd{days};
  hh_mm_ss hms{ms - days};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return buf;
}

std::optional<std::chrono::year_month_day> parseIsoDate(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!digits(s, 0, 4, y) || !digits(s, 5, 2, m) || !digits(s, 8, 2, d)) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y},
                                  std::chrono::month{static_cast<unsigned>(m)},
                                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

std::optional<std::chrono::system_clock::time_point> parseRfc3339(std::string_view s) {
  using namespace std::chrono;
  if (s.size() < 20) return std::nullopt;
  auto date = parseIsoDate(s.substr(0, 10));
  if (!date) return std::nullopt;
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  int hh = 0, mm = 0, ss = 0;
  if (!digits(s, 11, 2, hh) || s[13] != ':' || !digits(s, 14, 2, mm) || s[16] != ':' ||
      !digits(s, 17, 2, ss))
    return std::nullopt;
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  size_t pos = 19;
  long long millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    int scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (scale > 0) millis += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start || pos - start > 9) return std::nullopt;
  }
  if (pos >= s.size()) return std::nullopt;
  int offset_min = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh = 0, om = 0;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om))
      return std::nullopt;
    if (oh > 23 || om > 59) return std::nullopt;
    offset_min = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  if (ss == 60) ss = 59;  // leap second: clamp, the instant is within a second either way
  // In milliseconds any four-digit year fits; the system clock's nanoseconds hold only
  // 1677-09-21 .. 2262-04-11, so an instant outside them is refused before the cast (which would
  // be a signed overflow).
  auto tp = sys_days{*date} + hours{hh} + minutes{mm} + seconds{ss} + milliseconds{millis} -
            minutes{offset_min};
  constexpr auto kEarliest = time_point_cast<milliseconds>(system_clock::time_point::min());
  constexpr auto kLatest = time_point_cast<milliseconds>(system_clock::time_point::max());
  if (tp <= kEarliest || tp >= kLatest) return std::nullopt;
  return time_point_cast<system_clock::duration>(tp);
}

}  // namespace xj
