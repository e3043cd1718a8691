// A side's report on an exchange, from the wire: {event | status, reason, outcome, note} (and
// `exchange`, "ex-N", when the transport does not carry it in the path: MQTT, where an optional
// `id` names the report in its receipt). `status` names
// the state to move to (FHIR clients send Task.status), `event` the move; one of them is
// required. Shared by POST /v1/exchanges/{id}/events and the MQTT feedback topic, so that both
// accept exactly the same. Pure; any thread.
#pragma once

#include <string>

#include "hub/core/exchange.h"
#include "hub/core/problem.h"

namespace xj::envelope {

// Fills the event fields of `cmd` (event, status_target, reason, outcome, note, and exchange_id
// when `exchange` is given); false with every problem and its path otherwise.
bool parseExchangeEventJson(const std::string& text, ExchangeCommand& cmd, Problems& problems);

}  // namespace xj::envelope
