// The exchange transition table, exhaustively: every state x every event x every side is checked
// against an expectation written out here by hand (not derived from the table), with and without
// the reason/outcome the move needs. A row added to or dropped from the table fails this test.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>

#include "routing/exchange/exchange.h"

using namespace xj::routing;

namespace {

// "state event side" -> the state it leads to. Everything not listed (kNote aside) is illegal.
const std::map<std::string, std::string> kLegal = {
    {"requested receive performer", "received"},
    {"requested accept performer", "accepted"},
    {"requested reject performer", "rejected"},
    {"requested cancel requester", "cancelled"},
    {"requested enter_in_error requester", "entered_in_error"},
    {"requested enter_in_error performer", "entered_in_error"},
    {"received accept performer", "accepted"},
    {"received reject performer", "rejected"},
    {"received cancel requester", "cancelled"},
    {"received enter_in_error requester", "entered_in_error"},
    {"received enter_in_error performer", "entered_in_error"},
    {"accepted start performer", "in_progress"},
    {"accepted hold performer", "on_hold"},
    {"accepted complete performer", "completed"},
    {"accepted fail performer", "failed"},
    {"accepted cancel requester", "cancelled"},
    {"accepted enter_in_error requester", "entered_in_error"},
    {"accepted enter_in_error performer", "entered_in_error"},
    {"in_progress hold performer", "on_hold"},
    {"in_progress complete performer", "completed"},
    {"in_progress fail performer", "failed"},
    {"in_progress cancel requester", "cancelled"},
    {"in_progress enter_in_error requester", "entered_in_error"},
    {"in_progress enter_in_error performer", "entered_in_error"},
    {"on_hold resume performer", "in_progress"},
    {"on_hold fail performer", "failed"},
    {"on_hold cancel requester", "cancelled"},
    {"on_hold enter_in_error requester", "entered_in_error"},
    {"on_hold enter_in_error performer", "entered_in_error"},
};

const std::set<std::string> kNeedsReason = {"reject", "fail", "cancel"};
const std::set<std::string> kTerminal = {"rejected", "completed", "failed", "cancelled",
                                         "entered_in_error"};

}  // namespace

TEST_CASE("exchange transitions: every state x event x side against the written expectation",
          "[exchange]") {
  // The enums are what the expectation spells: 10 FHIR statuses, 11 events, 2 sides.
  REQUIRE(allExchangeStates().size() == 10);
  REQUIRE(allExchangeEvents().size() == 11);
  int checked = 0, legal_seen = 0;
  for (auto state : allExchangeStates()) {
    for (auto event : allExchangeEvents()) {
      for (auto side : {ExchangeSide::kRequester, ExchangeSide::kPerformer}) {
        const std::string s(toString(state)), e(toString(event)), d(toString(side));
        const std::string key = s + " " + e + " " + d;
        INFO(key);
        ++checked;
        // With everything a move may need.
        auto full = checkExchangeTransition(state, event, side, "because", "done");
        if (e == "note") {
          CHECK(full.ok);
          CHECK(full.next == state);
          continue;
        }
        auto it = kLegal.find(key);
        if (it == kLegal.end()) {
          CHECK_FALSE(full.ok);
          // The refusal names the current state and lists the legal moves from it.
          CHECK(full.problem.find("from " + s) != std::string::npos);
          CHECK(full.problem.find("legal moves: ") != std::string::npos);
          CHECK(full.path == "/event");
          for (const auto& [k, v] : kLegal)
            if (k.rfind(s + " ", 0) == 0) {
              auto rest = k.substr(s.size() + 1);
              auto ev = rest.substr(0, rest.find(' '));
              CHECK(full.problem.find(ev + " (") != std::string::npos);
            }
          continue;
        }
        ++legal_seen;
        CHECK(full.ok);
        CHECK(std::string(toString(full.next)) == it->second);
        // Without the reason/outcome it needs.
        auto bare = checkExchangeTransition(state, event, side, "", "");
        if (kNeedsReason.count(e)) {
          CHECK_FALSE(bare.ok);
          CHECK(bare.path == "/reason");
        } else if (e == "complete") {
          CHECK_FALSE(bare.ok);
          CHECK(bare.path == "/outcome");
        } else {
          CHECK(bare.ok);
        }
      }
    }
  }
  CHECK(checked == 10 * 11 * 2);
  CHECK(legal_seen == static_cast<int>(kLegal.size()));
}

TEST_CASE("exchange: terminal states have no way out but a note", "[exchange]") {
  for (auto state : allExchangeStates()) {
    const std::string s(toString(state));
    CHECK(isTerminal(state) == (kTerminal.count(s) == 1));
    if (!isTerminal(state)) continue;
    for (auto event : allExchangeEvents())
      for (auto side : {ExchangeSide::kRequester, ExchangeSide::kPerformer})
        CHECK(checkExchangeTransition(state, event, side, "r", "o").ok ==
              (event == ExchangeEvent::kNote));
  }
}

TEST_CASE("exchange: name tables round-trip; sides by direction; status to event", "[exchange]") {
  for (auto s : allExchangeStates()) CHECK(parseExchangeState(toString(s)) == s);
  for (auto e : allExchangeEvents()) CHECK(parseExchangeEvent(toString(e)) == e);
  CHECK_FALSE(parseExchangeState("in-progress"));
  CHECK(parseExchangeDirection("outbound") == ExchangeDirection::kOutbound);
  CHECK(parseExchangeDirection("inbound") == ExchangeDirection::kInbound);
  CHECK(sideOf(ExchangeDirection::kOutbound, ExchangeParty::kCivilAffairs) ==
        ExchangeSide::kRequester);
  CHECK(sideOf(ExchangeDirection::kOutbound, ExchangeParty::kPartner) == ExchangeSide::kPerformer);
  CHECK(sideOf(ExchangeDirection::kInbound, ExchangeParty::kCivilAffairs) ==
        ExchangeSide::kPerformer);
  CHECK(sideOf(ExchangeDirection::kInbound, ExchangeParty::kPartner) == ExchangeSide::kRequester);
  using S = ExchangeState;
  using E = ExchangeEvent;
  CHECK(eventForTarget(S::kOnHold, S::kInProgress) == E::kResume);
  CHECK(eventForTarget(S::kAccepted, S::kInProgress) == E::kStart);
  CHECK(eventForTarget(S::kRequested, S::kAccepted) == E::kAccept);
  CHECK(eventForTarget(S::kInProgress, S::kCompleted) == E::kComplete);
  CHECK(eventForTarget(S::kRequested, S::kEnteredInError) == E::kEnterInError);
  CHECK_FALSE(eventForTarget(S::kAccepted, S::kRequested));
}
