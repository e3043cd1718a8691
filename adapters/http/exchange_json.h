// An exchange as the API shows it (GET /v1/exchanges/{id}, lists, the item page). Partners see
// their side of it (with the consent of a referral out, which they perform); staff also the
// queue, item, hub id, creator and consent. Any thread.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "adapters/http/json_out.h"
#include "hub/core/exchange.h"
#include "routing/rules/calendar.h"

namespace xj::http {

// Working days from today to a due date on the hub's calendar (WorkService::workingDaysLeft).
using DaysLeft = std::function<std::optional<rules::WorkingDaysLeft>(const std::string& due)>;

// With `days_left`, an open exchange's deadlines also say how many working days are left
// (`answer_due_working_days`, `progress_due_working_days`), so that no client counts holidays.
void writeExchange(jsonout::Writer& w, const ExchangeRecord& ex, bool staff,
                   const DaysLeft& days_left = {});

}  // namespace xj::http
