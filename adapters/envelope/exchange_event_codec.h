// A side's report on an exchange, from the wire: {event | status, reason, outcome, note} (and
// `exchange`, "ex-N", when the transport does not carry it in the path: MQTT) and an optional
// `id`, the sender's event id (over HTTP the Idempotency-Key header may give it instead; both
// given must be equal): an event with an id is applied once (the work service decides; MQTT
// names the receipt with it too). `status` names
// the state to move to (FHIR clients send Task.status), `event` the move; one of them is
// required. Shared by POST /v1/exchanges/{id}/events and the MQTT feedback topic, so that both
// accept exactly the same. Pure; any thread.
#pragma once

#include <string>

#include "hub/core/exchange.h"
#include "hub/core/problem.h"

namespace xj::envelope {

// Fills the event fields of `cmd` (event, status_target, reason, outcome, note, event_id and
// event_hash, the fingerprint of the event's fields; exchange_id when `exchange` is given);
// false with every problem and its path otherwise. `idempotency_key`: the HTTP header's value.
bool parseExchangeEventJson(const std::string& text, ExchangeCommand& cmd, Problems& problems,
                            const std::string& idempotency_key = "");

}  // namespace xj::envelope
