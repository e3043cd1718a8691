#include "routing/rules/statutory_holidays.h"

#include <algorithm>

#include "routing/rules/lunar.h"

namespace xj::rules {

namespace {
constexpr int kRevision2024InForce = 2025;  // 国务院令第795号, in force 2025-01-01

bool weekend(Date d) { return d.weekday() == 0 || d.weekday() == 6; }
}  // namespace

std::vector<StatutoryDay> statutoryHolidays(int year) {
  std::vector<StatutoryDay> out;
  if (year < kStatutoryFirstYear || year > kStatutoryLastYear) return out;
  bool revised = year >= kRevision2024InForce;
  auto fixed = [&](unsigned m, unsigned d, std::string_view name) {
    out.push_back({*Date::fromYmd(year, m, d), name});
  };
  fixed(1, 1, "元旦");
  if (revised) out.push_back({*lunarNewYearsEve(year - 1), "春节"});
  Date spring = *lunarToSolar(year, 1, 1);
  for (int i = 0; i < 3; ++i) out.push_back({spring.plusDays(i), "春节"});
  out.push_back({*qingming(year), "清明节"});
  fixed(5, 1, "劳动节");
  if (revised) fixed(5, 2, "劳动节");
  out.push_back({*lunarToSolar(year, 5, 5), "端午节"});
  out.push_back({*lunarToSolar(year, 8, 15), "中秋节"});
  fixed(10, 1, "国庆节");
  fixed(10, 2, "国庆节");
  fixed(10, 3, "国庆节");
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.date < b.date; });

  // Art. 6: each weekend holiday is given back on the first free weekday after it.
  auto taken = [&](Date d) {
    return std::any_of(out.begin(), out.end(), [&](const auto& s) { return s.date == d; });
  };
  size_t statutory = out.size();
  for (size_t i = 0; i < statutory; ++i) {
    if (!weekend(out[i].date)) continue;
    Date d = out[i].date.plusDays(1);
    while (weekend(d) || taken(d)) d = d.plusDays(1);
    out.push_back({d, out[i].name, true});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.date < b.date; });
  return out;
}

}  // namespace xj::rules
