// The exchange's legal moves (双向转介; vocabulary and record in hub/core/exchange.h). Its statuses
// are those of an HL7 FHIR SDOH referral Task; one table of legal transitions (exchange.cpp) says
// which event may move it from which status, and which side may make that move. Anything else is
// refused with the current status and the moves that are legal from it.
//
// Sides: the requester asked for the service, the performer provides it. An outbound exchange
// (civil affairs refers a person out to a charity) has civil affairs as requester and the
// partner as performer; an inbound one (a charity pushes a case in) the other way round.
//
// Pure, std-only; any thread.
#pragma once

#include "hub/core/exchange.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xj::routing {

using ::xj::allExchangeEvents;
using ::xj::allExchangeStates;
using ::xj::ExchangeDirection;
using ::xj::ExchangeEvent;
using ::xj::ExchangeParty;
using ::xj::ExchangeSide;
using ::xj::ExchangeState;
using ::xj::parseExchangeDirection;
using ::xj::parseExchangeEvent;
using ::xj::parseExchangeSide;
using ::xj::parseExchangeState;

bool isTerminal(ExchangeState s);
// The side `party` plays in an exchange of `direction`.
ExchangeSide sideOf(ExchangeDirection direction, ExchangeParty party);
// The state an event leads to (kNote: nullopt, the state stays).
std::optional<ExchangeState> exchangeEventTarget(ExchangeEvent e);
// The event that leads to `target` from `from` (a client may send a status instead of an event):
// kResume for in_progress from on_hold, kStart from elsewhere; nullopt for requested.
std::optional<ExchangeEvent> eventForTarget(ExchangeState from, ExchangeState target);

struct ExchangeTransitionCheck {
  bool ok = false;
  ExchangeState next = ExchangeState::kRequested;
  // Refusal: names the current state and the legal moves (event by side) from it.
  std::string problem;
  std::string path;  // the request field at fault ("/event", "/reason", "/outcome")
};

// Can `side` report `event` on an exchange in `state`? `reason` and `outcome` are what comes
// with it: reject, fail and cancel need a reason, complete needs an outcome.
ExchangeTransitionCheck checkExchangeTransition(ExchangeState state, ExchangeEvent event,
                                                ExchangeSide side, const std::string& reason = "",
                                                const std::string& outcome = "");

// The legal moves from `state`, as "event (side)" strings, for refusals and the API.
std::vector<std::string> legalMoves(ExchangeState state);

}  // namespace xj::routing
