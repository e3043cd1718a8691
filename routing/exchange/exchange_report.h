// Indicators for the county task force: per township and partner, referrals sent
// (outbound) and received (inbound), how many were accepted and how long that took, how many were
// closed, and why exchanges were rejected or failed. Computed from the exchanges created in a
// period; the rows come from the store's reader, the figures from here. Pure; any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hub/core/exchange.h"

namespace xj::routing {

using ::xj::ExchangeReportRow;

struct ExchangeReportLine {
  std::string township;
  std::string partner;
  int64_t sent = 0;      // outbound
  int64_t received = 0;  // inbound
  int64_t accepted = 0;  // reached accepted (whatever came after)
  int64_t closed = 0;    // in a final state
  int64_t completed = 0;
  double mean_hours_to_accept = 0;  // over the accepted ones; 0 when none
  double closure_rate = 0;          // closed / (sent + received)
  std::map<std::string, int64_t> rejected_reasons;
  std::map<std::string, int64_t> failed_reasons;
};

// One line per (township, partner), sorted by township then partner.
std::vector<ExchangeReportLine> exchangeReport(const std::vector<ExchangeReportRow>& rows);

}  // namespace xj::routing
