#include "routing/queues/township_report.h"

#include <algorithm>
#include <chrono>

#include "hub/core/time_format.h"

namespace xj::routing {
namespace {

// Hours from `from` to `to` (RFC 3339); none when either does not parse or time runs backwards
// (a clock set back in a test must not produce a negative median).
std::optional<double> hoursBetween(const std::string& from, const std::string& to) {
  auto a = parseRfc3339(from), b = parseRfc3339(to);
  if (!a || !b || *b < *a) return std::nullopt;
  return std::chrono::duration<double, std::ratio<3600>>(*b - *a).count();
}

// The middle value, or the mean of the two middle ones.
std::optional<double> median(std::vector<double> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

std::vector<TownshipReportLine> townshipReport(const std::vector<TownshipReportRow>& rows,
                                               const std::vector<std::string>& townships) {
  std::vector<TownshipReportLine> out;
  for (const auto& code : townships) {
    TownshipReportLine line;
    line.township = code;
    std::vector<double> contact, decision;
    for (const auto& r : rows) {
      if (r.township != code || r.item_kind == ItemKind::kFollowUp) continue;
      ++line.created;
      if (r.state == ItemState::kResolved) {
        ++line.resolved;
      } else {
        ++line.open;
        if (r.overdue) ++line.overdue;
      }
      if (!r.first_contact_at.empty())
        if (auto h = hoursBetween(r.created_at, r.first_contact_at)) contact.push_back(*h);
      if (!r.resolved_at.empty())
        if (auto h = hoursBetween(r.created_at, r.resolved_at)) decision.push_back(*h);
    }
    line.contacted = static_cast<int64_t>(contact.size());
    line.median_first_contact_hours = median(std::move(contact));
    line.median_decision_hours = median(std::move(decision));
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace xj::routing
