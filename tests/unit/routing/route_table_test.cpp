#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "config/hub_config.h"
#include "config/routes_config.h"
#include "routing/queues/item.h"
#include "routing/route_table.h"
#include "tests/unit/rules/test_support.h"

using namespace xj;
using routing::RoutingInput;

namespace {

const TownshipDirectory& townships() { return xj::testing::sharedStandards().townships; }

std::shared_ptr<const routing::RouteTable> shipped() {
  Problems p;
  auto t = loadRoutes(std::string(XJ_SOURCE_DIR) + "/config/routes.jsonc", townships(), p);
  INFO(formatProblems(p));
  REQUIRE(t.isOk());
  return t.value();
}

RoutingInput input(MessageKind kind, std::string township = "451229205") {
  RoutingInput in;
  in.kind = kind;
  in.source = "src";
  in.township = std::move(township);
  return in;
}

}  // namespace

TEST_CASE("every shipped rule takes what it says, and the rest goes to triage", "[routing]") {
  auto t = shipped();
  struct Row {
    RoutingInput in;
    std::string rule;
    std::vector<std::string> queues;
  };
  auto ticket = [](std::string urgency, std::string cat, std::vector<std::string> tags = {}) {
    auto in = input(MessageKind::kTicket);
    in.urgency = std::move(urgency);
    in.ticket_category = std::move(cat);
    in.tags = std::move(tags);
    return in;
  };
  auto note = [](std::string signal, std::vector<std::string> tags = {}) {
    auto in = input(MessageKind::kNotification, "451229202");
    in.signal = std::move(signal);
    in.tags = std::move(tags);
    return in;
  };
  std::vector<Row> rows = {
      {ticket("critical", "dibao"),
       "critical-hotline",
       {"township-451229205", "county-temporary-aid"}},
      {ticket("normal", "temporary_aid"),
       "temporary-aid",
       {"township-451229205", "county-temporary-aid"}},
      {ticket("normal", "dibao", {"monitored"}),
       "monitored-household",
       {"township-451229205", "agri-liaison"}},
      {ticket("low", "medical"), "hotline", {"township-451229205"}},
      {input(MessageKind::kReferral, "451229202"), "charity-referral", {"township-451229202"}},
      {note("disaster_loss"), "disaster-signal", {"township-451229202", "county-temporary-aid"}},
      {note("monitoring_list_entry"), "monitoring-list", {"township-451229202", "agri-liaison"}},
      {note("unemployment"), "agency-signal", {"township-451229202"}},
  };
  for (const auto& r : rows) {
    auto d = routing::route(*t, r.in);
    INFO(r.rule << ": " << d.why);
    CHECK(d.rule == r.rule);
    CHECK(d.queues == r.queues);
    CHECK(d.version == "2026-11-28.1");
  }
  // A table whose rules take nothing of this message sends it to triage, never nowhere.
  Problems p;
  auto narrow = parseRoutes(R"({"queues":[{"id":"county-triage"},{"id":"county-task-force"}],
      "rules":[{"name":"only-referrals","match":{"kind":["referral"]},"to":["@township"]}]})",
                            townships(), p);
  REQUIRE(narrow.isOk());
  auto d = routing::route(*narrow.value(), ticket("normal", "dibao"));
  CHECK(d.rule == "triage");
  CHECK(d.queues == std::vector<std::string>{"county-triage"});
}

TEST_CASE("an invalid routes file reports every problem at once", "[routing]") {
  Problems p;
  auto t = parseRoutes(R"({
    "queues": [{"id": "county-triage"}, {"id": "county-triage"}],
    "triage_queue": "county-triage", "escalation_queue": "missing-queue",
    "rules": [
      {"name": "all", "to": ["@township"]},
      {"name": "after-all", "match": {"kind": ["ticket"]}, "to": ["@township"]},
      {"name": "dup", "match": {"kind": ["referral"], "urgency": ["high"]}, "to": ["nowhere"]},
      {"name": "dup", "match": {"kind": ["tickets"], "signal": ["flood"], "township": ["123"], "tags": []}, "to": []}
    ],
    "deadlines": {"rules": [{"item": "case", "working_days": 0}]},
    "surprise": 1
  })",
                       townships(), p);
  CHECK_FALSE(t.isOk());
  std::string all = formatProblems(p);
  INFO(all);
  for (const char* expect :
       {"/queues/1/id", "/escalation_queue", "/rules/1: can never match", "/rules/2/match/urgency",
        "/rules/2/to/0", "/rules/3/name", "/rules/3/match/kind/0", "/rules/3/match/signal/0",
        "/rules/3/match/township/0", "/rules/3/match/tags", "/rules/3/to",
        "/deadlines/rules/0/working_days", "/surprise"}) {
    CHECK(all.find(expect) != std::string::npos);
  }
}

TEST_CASE("deadline rules: first match wins, then the default", "[routing]") {
  auto t = shipped();
  CHECK(t->workingDaysFor("case", "ticket", "dibao") == 1);
  CHECK(t->workingDaysFor("risk_alert", "notification", "unknown") == 3);
  CHECK(t->workingDaysFor("follow_up", "ticket", "dibao") == 5);
  CHECK(t->workingDaysFor("case", "referral", "tekun") == 15);
  CHECK(t->workingDaysFor("case", "notification", "unknown") == 5);
}

TEST_CASE("the one table of legal moves", "[routing][items]") {
  using routing::checkTransition;
  using routing::ItemAction;
  using routing::ItemState;
  CHECK(checkTransition({ItemState::kNew, ""}, ItemAction::kClaim, "a").ok);
  CHECK(checkTransition({ItemState::kEscalated, ""}, ItemAction::kClaim, "a").ok);
  auto taken = checkTransition({ItemState::kClaimed, "b"}, ItemAction::kClaim, "a");
  CHECK_FALSE(taken.ok);
  CHECK(taken.problem.find("owner b") != std::string::npos);
  CHECK_FALSE(checkTransition({ItemState::kNew, ""}, ItemAction::kResolve, "a").ok);
  CHECK_FALSE(checkTransition({ItemState::kClaimed, "b"}, ItemAction::kResolve, "a").ok);
  CHECK(checkTransition({ItemState::kInProgress, "a"}, ItemAction::kResolve, "a").next ==
        ItemState::kResolved);
  CHECK(checkTransition({ItemState::kClaimed, "a"}, ItemAction::kRelease, "a").next ==
        ItemState::kNew);
  CHECK_FALSE(checkTransition({ItemState::kResolved, "a"}, ItemAction::kClaim, "a").ok);
  CHECK(checkTransition({ItemState::kResolved, "a"}, ItemAction::kNote, "x").ok);
  CHECK(checkTransition({ItemState::kNew, ""}, ItemAction::kTransfer, "x").next ==
        ItemState::kTransferred);
  CHECK_FALSE(checkTransition({ItemState::kClaimed, "a"}, ItemAction::kTransfer, "x").ok);
  CHECK(checkTransition({ItemState::kClaimed, "a"}, ItemAction::kProgress, "a",
                        ItemState::kWaitingOnOther)
            .ok);
  CHECK_FALSE(
      checkTransition({ItemState::kClaimed, "a"}, ItemAction::kProgress, "a", ItemState::kResolved)
          .ok);
}

TEST_CASE("reassign: a worked item changes owner and keeps its state", "[routing][items]") {
  using routing::checkTransition;
  using routing::ItemAction;
  using routing::ItemState;
  CHECK(checkTransition({ItemState::kClaimed, "gone"}, ItemAction::kReassign, "admin").next ==
        ItemState::kClaimed);
  CHECK(
      checkTransition({ItemState::kWaitingOnOther, "gone"}, ItemAction::kReassign, "admin").next ==
      ItemState::kWaitingOnOther);
  CHECK_FALSE(checkTransition({ItemState::kNew, ""}, ItemAction::kReassign, "admin").ok);
  CHECK_FALSE(checkTransition({ItemState::kResolved, "gone"}, ItemAction::kReassign, "admin").ok);
  CHECK(xj::parseItemAction("reassign") == ItemAction::kReassign);
}
