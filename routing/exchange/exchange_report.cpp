#include "routing/exchange/exchange_report.h"

#include <chrono>

#include "hub/core/time_format.h"
#include "routing/exchange/exchange.h"

namespace xj::routing {

std::vector<ExchangeReportLine> exchangeReport(const std::vector<ExchangeReportRow>& rows) {
  std::map<std::pair<std::string, std::string>, ExchangeReportLine> lines;
  std::map<std::pair<std::string, std::string>, double> hours;
  for (const auto& r : rows) {
    auto key = std::make_pair(r.township, r.partner);
    auto& l = lines[key];
    l.township = r.township;
    l.partner = r.partner;
    (r.direction == ExchangeDirection::kOutbound ? l.sent : l.received) += 1;
    if (!r.accepted_at.empty()) {
      ++l.accepted;
      auto a = parseRfc3339(r.accepted_at), c = parseRfc3339(r.created_at);
      if (a && c) hours[key] += std::chrono::duration<double, std::ratio<3600>>(*a - *c).count();
    }
    if (isTerminal(r.state)) ++l.closed;
    if (r.state == ExchangeState::kCompleted) ++l.completed;
    if (r.state == ExchangeState::kRejected) ++l.rejected_reasons[r.reason];
    if (r.state == ExchangeState::kFailed) ++l.failed_reasons[r.reason];
  }
  std::vector<ExchangeReportLine> out;
  for (auto& [key, l] : lines) {
    if (l.accepted) l.mean_hours_to_accept = hours[key] / static_cast<double>(l.accepted);
    l.closure_rate = static_cast<double>(l.closed) / static_cast<double>(l.sent + l.received);
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace xj::routing
