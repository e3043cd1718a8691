// The county task force's figures per township (the console's dashboard): for the items created
// in a period, how many are still open and how many of those overdue, how many were resolved,
// and the median hours from creation to the first staff contact (claim, progress or note) and to
// the decision (resolve). Case items and risk alerts count; follow-up calls (回访) do not: they
// are created by a resolution, not by a person asking. An item is counted in the township of the
// person it is about, whichever queue holds it (a message routed to two queues is two items of
// work). Rows come from the store's reader, the figures from here. Pure; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hub/core/work.h"

namespace xj::routing {

struct TownshipReportLine {
  std::string township;
  int64_t created = 0;
  int64_t open = 0;
  int64_t overdue = 0;  // open and past the deadline
  int64_t resolved = 0;
  int64_t contacted = 0;                             // with a first contact (the median's sample)
  std::optional<double> median_first_contact_hours;  // none without a contacted item
  std::optional<double> median_decision_hours;       // over the resolved ones
};

// One line per township of `townships`, in that order (zeros where nothing was created); rows
// of other townships are left out (the caller's scope).
std::vector<TownshipReportLine> townshipReport(const std::vector<TownshipReportRow>& rows,
                                               const std::vector<std::string>& townships);

}  // namespace xj::routing
