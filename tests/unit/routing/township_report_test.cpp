// The township report's figures (routing/queues/township_report.h): counts per township, medians
// of an odd and an even sample, follow-ups left out, townships outside the scope left out.
#include <catch2/catch.hpp>

#include "routing/queues/township_report.h"

using namespace xj;

namespace {

TownshipReportRow row(const std::string& township, ItemState state, const std::string& contact,
                      const std::string& resolved, ItemKind kind = ItemKind::kCase,
                      bool overdue = false) {
  return {township, kind, state, overdue, "2025-03-10T02:00:00Z", contact, resolved};
}

}  // namespace

TEST_CASE("township report: counts and medians per township in the order asked",
          "[routing][report]") {
  const std::vector<TownshipReportRow> rows = {
      row("451229205", ItemState::kResolved, "2025-03-10T03:00:00Z", "2025-03-10T08:00:00Z"),
      row("451229205", ItemState::kResolved, "2025-03-10T05:00:00Z", "2025-03-10T12:00:00Z"),
      row("451229205", ItemState::kClaimed, "2025-03-10T06:00:00Z", ""),
      row("451229205", ItemState::kEscalated, "", "", ItemKind::kRiskAlert, true),
      // A follow-up call is created by a resolution: not counted.
      row("451229205", ItemState::kNew, "", "", ItemKind::kFollowUp),
      row("451229202", ItemState::kNew, "", ""),
      // A clock set back must not give a negative time: left out of the median.
      row("451229202", ItemState::kClaimed, "2025-03-10T01:00:00Z", ""),
      row("451229999", ItemState::kNew, "", ""),  // outside the scope
  };
  auto lines = routing::townshipReport(rows, {"451229205", "451229202", "451229100"});
  REQUIRE(lines.size() == 3);
  const auto& jn = lines[0];
  CHECK(jn.township == "451229205");
  CHECK(jn.created == 4);
  CHECK(jn.open == 2);
  CHECK(jn.overdue == 1);
  CHECK(jn.resolved == 2);
  CHECK(jn.contacted == 3);
  REQUIRE(jn.median_first_contact_hours);
  CHECK(*jn.median_first_contact_hours == Approx(3.0));  // 1, 3, 4 hours
  REQUIRE(jn.median_decision_hours);
  CHECK(*jn.median_decision_hours == Approx(8.0));  // 6 and 10 hours
  const auto& bm = lines[1];
  CHECK(bm.created == 2);
  CHECK(bm.open == 2);
  CHECK_FALSE(bm.median_first_contact_hours);
  CHECK_FALSE(bm.median_decision_hours);
  CHECK(lines[2].created == 0);
}
