// The exchange policy (routing/exchange/exchange_policy.h) through its write jobs, against the
// in-memory WorkTransaction: every move of the transition table from every state, by both
// parties in both directions (legal ones applied and told to the other side, illegal ones
// refused with nothing written), referrals out, a charity's referral in and the item actions
// that move it, and the answer and progress deadlines of the sweep.
#include <catch2/catch.hpp>

#include "adapters/envelope/outbound_codec.h"
#include "routing/exchange/exchange.h"
#include "routing/work/exchange_job.h"
#include "routing/work/ingest_job.h"
#include "routing/work/item_jobs.h"
#include "tests/support/memory_work_transaction.h"
#include "tests/support/work_fixtures.h"

using namespace xj;
using xj::testing::MemoryWorkTransaction;
using xj::testing::plannedMessage;
using xj::testing::runJob;

namespace {

const char* const kPartner = "charity-a";
const char* const kQueue = "451229205";

// An item and an exchange of `direction` about it in `state`, written directly.
int64_t seedExchange(MemoryWorkTransaction& tx, ExchangeDirection direction, ExchangeState state,
                     const std::string& due = "") {
  NewItem item;
  item.queue = kQueue;
  item.hub_seq = 1;
  item.township = kQueue;
  item.category = "dibao";
  item.at = "2026-12-01T01:00:00Z";
  const int64_t item_id = tx.insertItem(item).value();
  ExchangeRecord ex;
  ex.direction = direction;
  ex.partner = kPartner;
  ex.state = state;
  ex.township = kQueue;
  ex.queue = kQueue;
  ex.item_id = item_id;
  ex.hub_seq = 1;
  ex.created_at = "2026-12-01T01:00:00Z";
  ex.updated_at = ex.created_at;
  ex.timeline_seq = 1;
  ex.due = due;
  const int64_t id = tx.insertExchange(ex).value();
  REQUIRE(tx.appendExchangeTimeline(id, {1, ex.created_at, "x", ExchangeSide::kRequester, "created",
                                         "", std::string(toString(state)), "", "", ""})
              .isOk());
  tx.takeEnqueued();
  return id;
}

ExchangeCommandResult command(MemoryWorkTransaction& tx, ExchangeCommand cmd,
                              ProgressDueCounter progress = {}) {
  ExchangeCommandResult out;
  auto job = routing::exchangeJob(
      std::move(cmd), std::move(progress), [&](ExchangeCommandResult r) { out = std::move(r); },
      envelope::outboundBodies());
  REQUIRE(runJob(job, tx).isOk());
  return out;
}

ExchangeCommand event(int64_t exchange_id, ExchangeParty party, ExchangeEvent e) {
  ExchangeCommand cmd;
  cmd.kind = ExchangeCommand::Kind::kEvent;
  cmd.exchange_id = exchange_id;
  cmd.party = party;
  cmd.partner_org = party == ExchangeParty::kPartner ? kPartner : "";
  cmd.actor = party == ExchangeParty::kPartner ? kPartner : "tok-staff";
  cmd.at = "2026-12-02T02:00:00Z";
  cmd.event = e;
  cmd.reason = "no_capacity";
  cmd.outcome = "done";
  return cmd;
}

std::string describe(ExchangeDirection d, ExchangeState s, ExchangeEvent e, ExchangeParty p) {
  return std::string(toString(d)) + " " + std::string(toString(s)) + " --" +
         std::string(toString(e)) + "--> by " +
         (p == ExchangeParty::kPartner ? "partner" : "civil affairs");
}

}  // namespace

TEST_CASE("every move of the transition table, from every state, by both parties",
          "[exchange_policy]") {
  int legal = 0, illegal = 0;
  for (auto direction : {ExchangeDirection::kOutbound, ExchangeDirection::kInbound})
    for (auto state : allExchangeStates())
      for (auto e : allExchangeEvents())
        for (auto party : {ExchangeParty::kCivilAffairs, ExchangeParty::kPartner}) {
          INFO(describe(direction, state, e, party));
          MemoryWorkTransaction tx;
          const int64_t id = seedExchange(tx, direction, state);
          const int64_t item_id = tx.loadExchange(id).value()->item_id;
          const auto expected = routing::checkExchangeTransition(
              state, e, routing::sideOf(direction, party), "no_capacity", "done");
          auto r = command(tx, event(id, party, e));
          const auto timeline = tx.timeline(id);
          const auto sent = tx.takeEnqueued();
          if (!expected.ok) {
            ++illegal;
            CHECK(r.outcome == ExchangeCommandOutcome::kConflict);
            CHECK(r.problem == expected.problem);
            CHECK(timeline.size() == 1);
            CHECK(sent.empty());
            CHECK(tx.eventsAppended() == 0);
            CHECK(tx.loadExchange(id).value()->state == state);
            continue;
          }
          ++legal;
          REQUIRE(r.outcome == ExchangeCommandOutcome::kOk);
          CHECK(r.exchange.state == expected.next);
          CHECK(tx.loadExchange(id).value()->state == expected.next);
          REQUIRE(timeline.size() == 2);
          CHECK(timeline[1].seq == 2);
          CHECK(timeline[1].event == toString(e));
          CHECK(timeline[1].from_state == toString(state));
          CHECK(timeline[1].to_state == toString(expected.next));
          if (party == ExchangeParty::kCivilAffairs) {
            // The partner is told by its outbox, in the exchange's lane.
            REQUIRE(sent.size() == 1);
            CHECK(sent[0].message.partner == kPartner);
            CHECK(sent[0].message.lane_key == r.exchange.ex_id);
            CHECK(sent[0].message.idempotency_key == r.exchange.ex_id + "-2");
            const bool closing = expected.next == ExchangeState::kCompleted ||
                                 expected.next == ExchangeState::kFailed ||
                                 expected.next == ExchangeState::kRejected;
            CHECK(sent[0].message.kind == (closing ? "exchange.outcome" : "exchange.status"));
            CHECK(tx.eventsAppended() == 0);
          } else {
            // Civil affairs is told on the item's queue.
            CHECK(sent.empty());
            REQUIRE_FALSE(tx.history(item_id).empty());
            CHECK(tx.history(item_id).back().action == "exchange");
            REQUIRE(tx.events(kQueue).size() == 1);
            CHECK(tx.events(kQueue)[0].type == EventType::kExchange);
          }
        }
  CHECK(legal > 0);
  CHECK(illegal > 0);
}

TEST_CASE("a reject without a reason is refused at /reason", "[exchange_policy]") {
  MemoryWorkTransaction tx;
  const int64_t id = seedExchange(tx, ExchangeDirection::kOutbound, ExchangeState::kRequested);
  auto cmd = event(id, ExchangeParty::kPartner, ExchangeEvent::kReject);
  cmd.reason.clear();
  auto r = command(tx, cmd);
  CHECK(r.outcome == ExchangeCommandOutcome::kConflict);
  CHECK(r.path == "/reason");
}

TEST_CASE("an exchange is not found by a partner not party to it, nor outside staff's scope",
          "[exchange_policy]") {
  MemoryWorkTransaction tx;
  const int64_t id = seedExchange(tx, ExchangeDirection::kOutbound, ExchangeState::kRequested);
  auto other = event(id, ExchangeParty::kPartner, ExchangeEvent::kAccept);
  other.partner_org = "charity-b";
  CHECK(command(tx, other).outcome == ExchangeCommandOutcome::kNotFound);
  auto staff = event(id, ExchangeParty::kCivilAffairs, ExchangeEvent::kNote);
  staff.townships = {"451229206"};
  CHECK(command(tx, staff).outcome == ExchangeCommandOutcome::kNotFound);
  staff.townships = {kQueue};
  CHECK(command(tx, staff).outcome == ExchangeCommandOutcome::kOk);
  CHECK(command(tx, event(id + 1, ExchangeParty::kPartner, ExchangeEvent::kAccept)).outcome ==
        ExchangeCommandOutcome::kNotFound);
}

TEST_CASE("a status target picks its event from where the exchange is", "[exchange_policy]") {
  MemoryWorkTransaction tx;
  const int64_t id = seedExchange(tx, ExchangeDirection::kOutbound, ExchangeState::kOnHold);
  auto cmd = event(id, ExchangeParty::kPartner, ExchangeEvent::kNote);
  cmd.status_target = ExchangeState::kInProgress;
  auto r = command(tx, cmd);
  REQUIRE(r.outcome == ExchangeCommandOutcome::kOk);
  CHECK(tx.timeline(id).back().event == "resume");
}

TEST_CASE("a referral out opens an exchange and sends the partner its referral",
          "[exchange_policy]") {
  MemoryWorkTransaction tx;
  NewItem item;
  item.queue = kQueue;
  item.hub_seq = 1;
  item.township = kQueue;
  item.at = "2026-12-01T01:00:00Z";
  const int64_t item_id = tx.insertItem(item).value();
  ExchangeCommand cmd;
  cmd.kind = ExchangeCommand::Kind::kCreateOutbound;
  cmd.queue = kQueue;
  cmd.item_id = item_id;
  cmd.partner = kPartner;
  cmd.need = "food";
  cmd.person_json = "{\"name\":\"x\"}";
  cmd.due = "2026-12-04";
  cmd.actor = "tok-staff";
  cmd.at = "2026-12-02T02:00:00Z";
  auto r = command(tx, cmd);
  REQUIRE(r.outcome == ExchangeCommandOutcome::kOk);
  CHECK(r.exchange.state == ExchangeState::kRequested);
  CHECK(r.exchange.due == "2026-12-04");
  auto sent = tx.takeEnqueued();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].message.kind == "exchange.referral");
  CHECK(sent[0].message.body_json.find("\"person\":{\"name\":\"x\"}") != std::string::npos);
  CHECK(sent[0].message.body_json.find("\"answer_by\":\"2026-12-04\"") != std::string::npos);
  CHECK(tx.history(item_id).back().detail ==
        r.exchange.ex_id + " referred out to " + kPartner + " for food");
  CHECK(tx.timeline(r.exchange.exchange_id).size() == 1);

  SECTION("not from another queue, nor from a resolved item") {
    auto wrong = cmd;
    wrong.queue = "county";
    CHECK(command(tx, wrong).outcome == ExchangeCommandOutcome::kNotFound);
    auto loaded = *tx.loadItem(item_id).value();
    loaded.state = ItemState::kResolved;
    REQUIRE(tx.updateItem(loaded).isOk());
    auto resolved = command(tx, cmd);
    CHECK(resolved.outcome == ExchangeCommandOutcome::kConflict);
    CHECK(resolved.path == "/item");
  }
}

TEST_CASE("a charity's referral in is verified by the item's claim and resolution",
          "[exchange_policy]") {
  MemoryWorkTransaction tx;
  IngestResult ingested;
  auto job = routing::ingestJob(
      plannedMessage(MessageKind::kReferral, "r-1", "2026-12-01T01:00:00Z", {kQueue, "county"}),
      [&](IngestResult r) { ingested = std::move(r); }, envelope::outboundBodies());
  REQUIRE(runJob(job, tx).isOk());
  REQUIRE(ingested.outcome == IngestOutcome::kAccepted);
  auto ex = tx.loadExchange(1).value();
  REQUIRE(ex);
  CHECK(ex->direction == ExchangeDirection::kInbound);
  CHECK(ex->state == ExchangeState::kReceived);
  CHECK(ex->item_id == 1);  // the township's item verifies it
  CHECK(ex->partner_ref == "r-1");
  auto told = tx.takeEnqueued();
  REQUIRE(told.size() == 1);
  CHECK(told[0].message.partner == "charity-a");

  auto act = [&](ItemAction a, const std::string& outcome) {
    ItemActionRequest req;
    req.queue = kQueue;
    req.item_id = 1;
    req.action = a;
    req.actor = "tok-staff";
    req.at = "2026-12-02T02:00:00Z";
    req.outcome = outcome;
    ActionResult out;
    auto action_job = routing::itemActionJob(
        req, [&](ActionResult r) { out = std::move(r); }, envelope::outboundBodies());
    REQUIRE(runJob(action_job, tx).isOk());
    REQUIRE(out.outcome == ActionOutcome::kOk);
  };
  act(ItemAction::kClaim, "");
  CHECK(tx.loadExchange(1).value()->state == ExchangeState::kAccepted);
  act(ItemAction::kResolve, "eligible_dibao");
  auto done = tx.loadExchange(1).value();
  CHECK(done->state == ExchangeState::kCompleted);
  CHECK(done->outcome == "taken into category dibao");
  auto sent = tx.takeEnqueued();
  REQUIRE(sent.size() >= 2);
  CHECK(sent[1].message.kind == "exchange.outcome");
}

TEST_CASE("the sweep escalates an unanswered exchange and a silent partner", "[exchange_policy]") {
  MemoryWorkTransaction tx;
  const int64_t unanswered =
      seedExchange(tx, ExchangeDirection::kOutbound, ExchangeState::kRequested, "2026-12-03");
  const int64_t working = seedExchange(tx, ExchangeDirection::kOutbound, ExchangeState::kRequested);
  ProgressDueCounter progress = [](const std::string& partner, const std::string& from) {
    CHECK(partner == kPartner);
    return from == "2026-12-02" ? std::string("2026-12-04") : std::string("2026-12-20");
  };
  // The partner's accept starts its progress period.
  auto accepted =
      command(tx, event(working, ExchangeParty::kPartner, ExchangeEvent::kAccept), progress);
  REQUIRE(accepted.outcome == ExchangeCommandOutcome::kOk);
  CHECK(accepted.exchange.progress_due == "2026-12-04");
  CHECK(accepted.exchange.due.empty());

  std::optional<SweepResult> swept;
  auto job = routing::sweepJob("2026-12-08", "county-escalation", "2026-12-08T00:00:00Z", "",
                               progress, [&](auto r) { swept = std::move(r); });
  REQUIRE(runJob(job, tx).isOk());
  REQUIRE(swept);
  CHECK(swept->exchanges_overdue == 1);
  CHECK(swept->exchanges_progress_overdue == 1);
  CHECK(swept->exchange_escalations == std::vector<std::pair<std::string, std::string>>{
                                           {kPartner, "answer"}, {kPartner, "progress"}});
  auto late = tx.loadExchange(unanswered).value();
  CHECK(late->overdue);
  CHECK(tx.timeline(unanswered).back().event == "overdue");
  auto silent = tx.loadExchange(working).value();
  CHECK(silent->progress_overdue);
  CHECK(silent->progress_due == "2026-12-20");  // the next period runs from the escalation
  CHECK(tx.timeline(working).back().event == "progress_overdue");
  const auto feed = tx.events("county-escalation");
  REQUIRE(feed.size() == 2);
  std::vector<std::string> categories;
  for (const auto& e : feed) categories.push_back(tx.loadItem(e.item_id).value()->category);
  CHECK(categories == std::vector<std::string>{"exchange_overdue", "exchange_progress_overdue"});
  CHECK(tx.overdueExchanges().value() ==
        std::vector<std::pair<std::string, int64_t>>{{kPartner, 1}});
  CHECK(tx.progressOverdueExchanges().value() ==
        std::vector<std::pair<std::string, int64_t>>{{kPartner, 1}});
}
