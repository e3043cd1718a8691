#include "routing/exchange/exchange.h"

#include <array>
#include <utility>

namespace xj::routing {
namespace {

using S = ExchangeState;
using E = ExchangeEvent;
constexpr ExchangeSide kReq = ExchangeSide::kRequester;
constexpr ExchangeSide kPerf = ExchangeSide::kPerformer;

struct Transition {
  S from;
  E event;
  ExchangeSide side;
};

// THE table of legal moves (kNote aside). The performer moves the work along (FHIR: the owner
// updates the Task); the requester may withdraw the request while it is open, and either mark a
// record made in error. Terminal states (rejected, completed, failed, cancelled,
// entered_in_error) have no way out. The target of each move is exchangeEventTarget(event).
constexpr Transition kTransitions[] = {
    {S::kRequested, E::kReceive, kPerf},      {S::kRequested, E::kAccept, kPerf},
    {S::kRequested, E::kReject, kPerf},       {S::kRequested, E::kCancel, kReq},
    {S::kReceived, E::kAccept, kPerf},        {S::kReceived, E::kReject, kPerf},
    {S::kReceived, E::kCancel, kReq},         {S::kAccepted, E::kStart, kPerf},
    {S::kAccepted, E::kHold, kPerf},          {S::kAccepted, E::kComplete, kPerf},
    {S::kAccepted, E::kFail, kPerf},          {S::kAccepted, E::kCancel, kReq},
    {S::kInProgress, E::kHold, kPerf},        {S::kInProgress, E::kComplete, kPerf},
    {S::kInProgress, E::kFail, kPerf},        {S::kInProgress, E::kCancel, kReq},
    {S::kOnHold, E::kResume, kPerf},          {S::kOnHold, E::kFail, kPerf},
    {S::kOnHold, E::kCancel, kReq},           {S::kRequested, E::kEnterInError, kReq},
    {S::kReceived, E::kEnterInError, kReq},   {S::kAccepted, E::kEnterInError, kReq},
    {S::kInProgress, E::kEnterInError, kReq}, {S::kOnHold, E::kEnterInError, kReq},
    {S::kRequested, E::kEnterInError, kPerf}, {S::kReceived, E::kEnterInError, kPerf},
    {S::kAccepted, E::kEnterInError, kPerf},  {S::kInProgress, E::kEnterInError, kPerf},
    {S::kOnHold, E::kEnterInError, kPerf},
};

bool legal(S from, E event, ExchangeSide side) {
  for (const auto& t : kTransitions)
    if (t.from == from && t.event == event && t.side == side) return true;
  return false;
}

}  // namespace

bool isTerminal(ExchangeState s) {
  return s == S::kRejected || s == S::kCompleted || s == S::kFailed || s == S::kCancelled ||
         s == S::kEnteredInError;
}

ExchangeSide sideOf(ExchangeDirection direction, ExchangeParty party) {
  const bool civil = party == ExchangeParty::kCivilAffairs;
  if (direction == ExchangeDirection::kOutbound) return civil ? kReq : kPerf;
  return civil ? kPerf : kReq;
}

std::optional<ExchangeState> exchangeEventTarget(ExchangeEvent e) {
  switch (e) {
    case E::kReceive:
      return S::kReceived;
    case E::kAccept:
      return S::kAccepted;
    case E::kReject:
      return S::kRejected;
    case E::kStart:
    case E::kResume:
      return S::kInProgress;
    case E::kHold:
      return S::kOnHold;
    case E::kComplete:
      return S::kCompleted;
    case E::kFail:
      return S::kFailed;
    case E::kCancel:
      return S::kCancelled;
    case E::kEnterInError:
      return S::kEnteredInError;
    case E::kNote:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<ExchangeEvent> eventForTarget(ExchangeState from, ExchangeState target) {
  if (target == S::kInProgress) return from == S::kOnHold ? E::kResume : E::kStart;
  for (auto e : allExchangeEvents())
    if (e != E::kNote && e != E::kStart && e != E::kResume && exchangeEventTarget(e) == target)
      return e;
  return std::nullopt;
}

std::vector<std::string> legalMoves(ExchangeState state) {
  std::vector<std::string> out;
  for (const auto& t : kTransitions)
    if (t.from == state)
      out.push_back(std::string(toString(t.event)) + " (" + std::string(toString(t.side)) + ")");
  out.push_back("note (requester or performer)");
  return out;
}

ExchangeTransitionCheck checkExchangeTransition(ExchangeState state, ExchangeEvent event,
                                                ExchangeSide side, const std::string& reason,
                                                const std::string& outcome) {
  ExchangeTransitionCheck c;
  if (event == E::kNote) {
    c.ok = true;
    c.next = state;
    return c;
  }
  if (!legal(state, event, side)) {
    std::string moves;
    for (const auto& m : legalMoves(state)) moves += (moves.empty() ? "" : ", ") + m;
    c.path = "/event";
    c.problem = std::string(toString(event)) + " by the " + std::string(toString(side)) +
                " is not a legal move from " + std::string(toString(state)) +
                "; legal moves: " + moves;
    return c;
  }
  const bool needs_reason = event == E::kReject || event == E::kFail || event == E::kCancel;
  if (needs_reason && reason.empty()) {
    c.path = "/reason";
    c.problem = std::string(toString(event)) + " needs a reason";
    return c;
  }
  if (event == E::kComplete && outcome.empty()) {
    c.path = "/outcome";
    c.problem = "complete needs an outcome";
    return c;
  }
  c.ok = true;
  c.next = *exchangeEventTarget(event);
  return c;
}

}  // namespace xj::routing
