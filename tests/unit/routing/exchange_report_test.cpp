// The exchange report's figures for a known scenario, worked out by hand.
#include <catch2/catch.hpp>

#include "routing/exchange/exchange_report.h"

using namespace xj::routing;
using S = xj::ExchangeState;
using D = xj::ExchangeDirection;

TEST_CASE("exchange report: sent, received, acceptance time, closure and reasons", "[exchange]") {
  const std::string t1 = "451229205", t2 = "451229202";
  std::vector<ExchangeReportRow> rows = {
      // township 1, charity-1: 3 out, 1 in
      {D::kOutbound, "charity-1", t1, S::kCompleted, "", "2025-03-10T02:00:00Z",
       "2025-03-10T08:00:00Z"},  // accepted after 6 h
      {D::kOutbound, "charity-1", t1, S::kRejected, "capacity", "2025-03-10T02:00:00Z", ""},
      {D::kOutbound, "charity-1", t1, S::kInProgress, "", "2025-03-11T00:00:00Z",
       "2025-03-12T00:00:00Z"},  // 24 h
      {D::kInbound, "charity-1", t1, S::kFailed, "unreachable", "2025-03-11T00:00:00Z",
       "2025-03-11T03:00:00Z"},  // 3 h
      // township 2, charity-2: 1 out, rejected without a reason
      {D::kOutbound, "charity-2", t2, S::kRejected, "", "2025-03-12T00:00:00Z", ""},
  };
  auto lines = exchangeReport(rows);
  REQUIRE(lines.size() == 2);
  const auto& b = lines[0];  // 451229202 sorts first
  CHECK(b.township == t2);
  CHECK(b.sent == 1);
  CHECK(b.accepted == 0);
  CHECK(b.mean_hours_to_accept == 0);
  CHECK(b.closure_rate == Approx(1.0));
  CHECK(b.rejected_reasons.at("") == 1);
  const auto& a = lines[1];
  CHECK(a.township == t1);
  CHECK(a.partner == "charity-1");
  CHECK(a.sent == 3);
  CHECK(a.received == 1);
  CHECK(a.accepted == 3);
  CHECK(a.mean_hours_to_accept == Approx(11.0));  // (6 + 24 + 3) / 3
  CHECK(a.closed == 3);
  CHECK(a.completed == 1);
  CHECK(a.closure_rate == Approx(0.75));
  CHECK(a.rejected_reasons.at("capacity") == 1);
  CHECK(a.failed_reasons.at("unreachable") == 1);
}
