#include "adapters/delivery/retry_after.h"

#include <algorithm>
#include <array>
#include <optional>

namespace xj::webhook {
namespace {

constexpr int64_t kCapSeconds = 86'400;

std::string_view trimmed(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<int64_t> digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = std::min<int64_t>(v * 10 + (c - '0'), kCapSeconds * 10);  // no overflow on long input
  }
  return v;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t daysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// IMF-fixdate only: "Sun, 06 Nov 1994 08:49:37 GMT" (exactly 29 characters). The weekday is
// checked for form, not against the date: a receiver's slip there should not cost the floor.
std::optional<int64_t> imfFixdate(std::string_view s) {
  if (s.size() != 29 || s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT")
    return std::nullopt;
  static constexpr std::array<std::string_view, 7> kDays{"Mon", "Tue", "Wed", "Thu",
                                                         "Fri", "Sat", "Sun"};
  static constexpr std::array<std::string_view, 12> kMonths{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (std::find(kDays.begin(), kDays.end(), s.substr(0, 3)) == kDays.end()) return std::nullopt;
  auto month = std::find(kMonths.begin(), kMonths.end(), s.substr(8, 3));
  if (month == kMonths.end()) return std::nullopt;
  auto day = digits(s.substr(5, 2));
  auto year = digits(s.substr(12, 4));
  auto hour = digits(s.substr(17, 2));
  auto minute = digits(s.substr(20, 2));
  auto second = digits(s.substr(23, 2));
  if (!day || !year || !hour || !minute || !second) return std::nullopt;
  if (*day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  const int64_t m = (month - kMonths.begin()) + 1;
  return daysFromCivil(*year, m, *day) * 86'400 + *hour * 3600 + *minute * 60 + *second;
}

}  // namespace

int64_t retryAfterMs(std::string_view value, int64_t now_unix_s) {
  value = trimmed(value);
  if (auto secs = digits(value)) return std::min(*secs, kCapSeconds) * 1000;
  if (auto at = imfFixdate(value))
    return std::clamp<int64_t>(*at - now_unix_s, 0, kCapSeconds) * 1000;
  return 0;
}

}  // namespace xj::webhook
