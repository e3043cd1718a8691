// An exchange as the API shows it (GET /v1/exchanges/{id}, lists, the item page). Partners see
// their side of it (with the consent of a referral out, which they perform); staff also the
// queue, item, hub id, creator and consent. Any thread.
#pragma once

#include "adapters/http/json_out.h"
#include "hub/core/exchange.h"

namespace xj::http {

void writeExchange(jsonout::Writer& w, const ExchangeRecord& ex, bool staff);

}  // namespace xj::http
