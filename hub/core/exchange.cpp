#include "hub/core/exchange.h"

#include <array>
#include <utility>

namespace xj {
namespace {

template <class E, size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

// One name table per enum, in enum order (checked at compile time below).
constexpr Names<ExchangeState, 10> kStates = {
    {{ExchangeState::kRequested, "requested"},
     {ExchangeState::kReceived, "received"},
     {ExchangeState::kAccepted, "accepted"},
     {ExchangeState::kRejected, "rejected"},
     {ExchangeState::kInProgress, "in_progress"},
     {ExchangeState::kOnHold, "on_hold"},
     {ExchangeState::kCompleted, "completed"},
     {ExchangeState::kFailed, "failed"},
     {ExchangeState::kCancelled, "cancelled"},
     {ExchangeState::kEnteredInError, "entered_in_error"}}};
constexpr Names<ExchangeEvent, 11> kEvents = {{{ExchangeEvent::kReceive, "receive"},
                                               {ExchangeEvent::kAccept, "accept"},
                                               {ExchangeEvent::kReject, "reject"},
                                               {ExchangeEvent::kStart, "start"},
                                               {ExchangeEvent::kHold, "hold"},
                                               {ExchangeEvent::kResume, "resume"},
                                               {ExchangeEvent::kComplete, "complete"},
                                               {ExchangeEvent::kFail, "fail"},
                                               {ExchangeEvent::kCancel, "cancel"},
                                               {ExchangeEvent::kEnterInError, "enter_in_error"},
                                               {ExchangeEvent::kNote, "note"}}};
constexpr Names<ExchangeSide, 2> kSides = {
    {{ExchangeSide::kRequester, "requester"}, {ExchangeSide::kPerformer, "performer"}}};
constexpr Names<ExchangeDirection, 2> kDirections = {
    {{ExchangeDirection::kOutbound, "outbound"}, {ExchangeDirection::kInbound, "inbound"}}};

template <class E, size_t N>
constexpr bool complete(const Names<E, N>& t) {
  for (size_t i = 0; i < N; ++i)
    if (static_cast<size_t>(t[i].first) != i) return false;
  return true;
}
constexpr Names<ExchangeCommandOutcome, 5> kCommandOutcomes = {
    {{ExchangeCommandOutcome::kOk, "ok"},
     {ExchangeCommandOutcome::kNotFound, "not_found"},
     {ExchangeCommandOutcome::kConflict, "conflict"},
     {ExchangeCommandOutcome::kUnavailable, "unavailable"},
     {ExchangeCommandOutcome::kEventIdReused, "event_id_reused"}}};
static_assert(complete(kStates) && complete(kEvents) && complete(kSides) && complete(kDirections) &&
              complete(kCommandOutcomes));

template <class E, size_t N>
std::optional<E> parse(const Names<E, N>& t, std::string_view s) {
  for (const auto& [e, name] : t)
    if (name == s) return e;
  return std::nullopt;
}

}  // namespace

std::string_view toString(ExchangeState v) { return kStates[static_cast<size_t>(v)].second; }
std::string_view toString(ExchangeEvent v) { return kEvents[static_cast<size_t>(v)].second; }
std::string_view toString(ExchangeSide v) { return kSides[static_cast<size_t>(v)].second; }
std::string_view toString(ExchangeDirection v) {
  return kDirections[static_cast<size_t>(v)].second;
}
std::string_view toString(ExchangeCommandOutcome v) {
  return kCommandOutcomes[static_cast<size_t>(v)].second;
}
std::optional<ExchangeState> parseExchangeState(std::string_view s) { return parse(kStates, s); }
std::optional<ExchangeCommandOutcome> parseExchangeCommandOutcome(std::string_view s) {
  return parse(kCommandOutcomes, s);
}
std::optional<ExchangeEvent> parseExchangeEvent(std::string_view s) { return parse(kEvents, s); }
std::optional<ExchangeSide> parseExchangeSide(std::string_view s) { return parse(kSides, s); }
std::optional<ExchangeDirection> parseExchangeDirection(std::string_view s) {
  return parse(kDirections, s);
}

const std::vector<ExchangeState>& allExchangeStates() {
  static const std::vector<ExchangeState> v = [] {
    std::vector<ExchangeState> out;
    for (const auto& [e, n] : kStates) out.push_back(e);
    return out;
  }();
  return v;
}
const std::vector<ExchangeEvent>& allExchangeEvents() {
  static const std::vector<ExchangeEvent> v = [] {
    std::vector<ExchangeEvent> out;
    for (const auto& [e, n] : kEvents) out.push_back(e);
    return out;
  }();
  return v;
}

std::string exchangeIdOf(int64_t exchange_id) { return "ex-" + std::to_string(exchange_id); }

int64_t exchangeSeqOf(std::string_view id) {
  if (id.size() < 4 || id.size() > 21 || id.substr(0, 3) != "ex-") return -1;
  int64_t v = 0;
  for (char ch : id.substr(3)) {
    if (ch < '0' || ch > '9') return -1;
    v = v * 10 + (ch - '0');
  }
  return v;
}

}  // namespace xj
