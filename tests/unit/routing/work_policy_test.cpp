// The work policy (routing/queues/work_policy.h) through its write jobs (routing/work), against
// the in-memory WorkTransaction: repeat-call linking, signal merge, follow-ups, escalation, the
// recount of provisional deadlines, and the answers of a batch that fails.
#include <catch2/catch.hpp>

#include "adapters/envelope/outbound_codec.h"
#include "routing/work/ingest_job.h"
#include "routing/work/item_jobs.h"
#include "tests/support/memory_work_transaction.h"
#include "tests/support/work_fixtures.h"

using namespace xj;
using xj::testing::MemoryWorkTransaction;
using xj::testing::personKey;
using xj::testing::plannedMessage;
using xj::testing::runJob;

namespace {

IngestResult ingest(MemoryWorkTransaction& tx, const IngestRecord& record) {
  IngestResult out;
  auto job = routing::ingestJob(
      record, [&](IngestResult r) { out = std::move(r); }, envelope::outboundBodies());
  REQUIRE(runJob(job, tx).isOk());
  return out;
}

ActionResult act(MemoryWorkTransaction& tx, ItemActionRequest req) {
  ActionResult out;
  auto job = routing::itemActionJob(
      std::move(req), [&](ActionResult r) { out = std::move(r); }, envelope::outboundBodies());
  REQUIRE(runJob(job, tx).isOk());
  return out;
}

ItemActionRequest action(int64_t item, ItemAction a, const std::string& actor = "tok-1") {
  ItemActionRequest req;
  req.queue = "451229205";
  req.item_id = item;
  req.action = a;
  req.actor = actor;
  req.at = "2026-12-02T09:00:00Z";
  return req;
}

int64_t itemOf(const MemoryWorkTransaction& tx, int64_t hub_seq) {
  const auto* m = tx.message(hub_seq);
  REQUIRE(m != nullptr);
  return m->linked_item;
}

}  // namespace

TEST_CASE("a new ticket is stored, routed and opens a case on each queue", "[work_policy]") {
  MemoryWorkTransaction tx;
  auto r =
      plannedMessage(MessageKind::kTicket, "t-1", "2026-12-01T01:00:00Z", {"451229205", "county"});
  r.plan.id_key = personKey('a');
  auto result = ingest(tx, r);
  CHECK(result.outcome == IngestOutcome::kAccepted);
  CHECK(result.receipt.hub_id == "xj-0000000001");
  CHECK(result.receipt.status == "accepted");
  CHECK(tx.message(1)->status == MessageStatus::kRouted);
  auto a = tx.loadItem(1).value();
  auto b = tx.loadItem(2).value();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->queue == "451229205");
  CHECK(b->queue == "county");
  CHECK(a->deadline == "2026-12-10");
  CHECK(tx.history(1).size() == 1);
  CHECK(tx.history(1)[0].action == "created");
  CHECK(tx.events("451229205").size() == 1);
  CHECK(tx.events("county").size() == 1);
  CHECK(tx.eventsAppended() == 2);
}

TEST_CASE("a resend is a duplicate, another body under the same id a conflict", "[work_policy]") {
  MemoryWorkTransaction tx;
  auto r = plannedMessage(MessageKind::kTicket, "t-1", "2026-12-01T01:00:00Z");
  REQUIRE(ingest(tx, r).outcome == IngestOutcome::kAccepted);
  auto again = ingest(tx, r);
  CHECK(again.outcome == IngestOutcome::kDuplicate);
  CHECK(again.receipt.hub_id == "xj-0000000001");
  CHECK(again.receipt.status == "routed");
  r.body_hash = "another";
  CHECK(ingest(tx, r).outcome == IngestOutcome::kConflict);
  CHECK(tx.events("451229205").size() == 1);  // nothing more was written
}

TEST_CASE("a message without a route is stored as accepted and opens nothing", "[work_policy]") {
  MemoryWorkTransaction tx;
  auto r = plannedMessage(MessageKind::kTicket, "t-1", "2026-12-01T01:00:00Z");
  r.plan.route_rule.clear();
  CHECK(ingest(tx, r).outcome == IngestOutcome::kAccepted);
  CHECK(tx.message(1)->status == MessageStatus::kAccepted);
  CHECK_FALSE(tx.loadItem(1).value());
}

TEST_CASE("repeat calls join the open case by ID number, else by phone", "[work_policy]") {
  MemoryWorkTransaction tx;
  auto first = plannedMessage(MessageKind::kTicket, "t-1", "2026-12-01T01:00:00Z");
  first.plan.id_key = personKey('a');
  first.plan.phone_key = personKey('1');
  ingest(tx, first);

  SECTION("the same ID number links") {
    auto again = plannedMessage(MessageKind::kTicket, "t-2", "2026-12-01T02:00:00Z");
    again.plan.id_key = personKey('a');
    ingest(tx, again);
    CHECK(tx.message(2)->status == MessageStatus::kLinked);
    CHECK(itemOf(tx, 2) == 1);
    CHECK(tx.loadItem(1).value()->linked_messages == 1);
    CHECK_FALSE(tx.loadItem(2).value());
    auto h = tx.history(1);
    REQUIRE(h.size() == 2);
    CHECK(h[1].action == "linked");
    CHECK(h[1].detail == "message xj-0000000002");
    CHECK(tx.events("451229205").back().type == EventType::kLinked);
  }
  SECTION("another ID number from the same phone stays apart") {
    auto other = plannedMessage(MessageKind::kTicket, "t-2", "2026-12-01T02:00:00Z");
    other.plan.id_key = personKey('b');
    other.plan.phone_key = personKey('1');
    ingest(tx, other);
    CHECK(tx.message(2)->status == MessageStatus::kRouted);
    CHECK(tx.loadItem(2).value());
  }
  SECTION("a ticket without an ID number joins by phone") {
    auto phone_only = plannedMessage(MessageKind::kTicket, "t-2", "2026-12-01T02:00:00Z");
    phone_only.plan.phone_key = personKey('1');
    ingest(tx, phone_only);
    CHECK(tx.message(2)->status == MessageStatus::kLinked);
  }
  SECTION("outside the route's window a new case opens") {
    auto late = plannedMessage(MessageKind::kTicket, "t-2", "2026-12-09T02:00:00Z");
    late.plan.id_key = personKey('a');
    late.plan.repeat_since = "2026-12-02T00:00:00Z";
    ingest(tx, late);
    CHECK(tx.message(2)->status == MessageStatus::kRouted);
  }
  SECTION("a resolved case is not joined") {
    auto claim = act(tx, action(1, ItemAction::kClaim));
    REQUIRE(claim.outcome == ActionOutcome::kOk);
    auto resolve = action(1, ItemAction::kResolve);
    resolve.outcome = "other";
    resolve.reason_code = "done";
    REQUIRE(act(tx, resolve).outcome == ActionOutcome::kOk);
    auto again = plannedMessage(MessageKind::kTicket, "t-2", "2026-12-03T02:00:00Z");
    again.plan.id_key = personKey('a');
    ingest(tx, again);
    CHECK(tx.message(2)->status == MessageStatus::kRouted);
  }
}

TEST_CASE("a signal about a known person is a risk alert; more signals merge into it",
          "[work_policy]") {
  MemoryWorkTransaction tx;
  auto unknown = plannedMessage(MessageKind::kNotification, "n-1", "2026-12-01T01:00:00Z");
  unknown.plan.id_key = personKey('c');
  ingest(tx, unknown);
  // Not known before: an ordinary case.
  CHECK(tx.message(1)->status == MessageStatus::kRouted);
  CHECK(tx.loadItem(1).value()->item_kind == ItemKind::kCase);

  auto known = plannedMessage(MessageKind::kNotification, "n-2", "2026-12-01T02:00:00Z");
  known.plan.id_key = personKey('c');
  ingest(tx, known);
  CHECK(tx.message(2)->status == MessageStatus::kAlerted);
  auto alert = tx.loadItem(itemOf(tx, 2)).value();
  REQUIRE(alert);
  CHECK(alert->item_kind == ItemKind::kRiskAlert);
  CHECK(alert->deadline == "2026-12-08");

  auto more = plannedMessage(MessageKind::kNotification, "n-3", "2026-12-01T03:00:00Z");
  more.plan.id_key = personKey('c');
  ingest(tx, more);
  CHECK(tx.message(3)->status == MessageStatus::kMerged);
  CHECK(itemOf(tx, 3) == alert->item_id);
  CHECK(tx.loadItem(alert->item_id).value()->linked_messages == 1);
  CHECK(tx.history(alert->item_id).back().action == "merged");
}

TEST_CASE("a household's pre-screen is carried to a later signal about a member", "[work_policy]") {
  MemoryWorkTransaction tx;
  auto household = plannedMessage(MessageKind::kTicket, "t-1", "2026-12-01T01:00:00Z");
  household.plan.id_key = personKey('a');
  household.plan.member_id_keys = {personKey('b')};
  household.plan.prescreen_json = "{\"category\":\"dibao\"}";
  household.plan.prescreen_category = "dibao";
  household.plan.prescreen_tags = {"t1", "t2"};
  ingest(tx, household);
  REQUIRE(tx.prescreen(1));
  CHECK(tx.prescreen(1)->record.tags == "t1,t2");

  auto signal = plannedMessage(MessageKind::kNotification, "n-1", "2026-12-02T01:00:00Z");
  signal.plan.id_key = personKey('b');
  ingest(tx, signal);
  auto carried = tx.prescreen(2);
  REQUIRE(carried);
  CHECK(carried->carried_from == 1);
  CHECK(carried->record.category == "dibao");
  // The member was named before: the signal is a risk alert.
  CHECK(tx.message(2)->status == MessageStatus::kAlerted);
}

TEST_CASE("resolving a hotline case opens its follow-up when asked", "[work_policy]") {
  MemoryWorkTransaction tx;
  ingest(tx, plannedMessage(MessageKind::kTicket, "t-1", "2026-12-01T01:00:00Z"));
  REQUIRE(act(tx, action(1, ItemAction::kClaim)).outcome == ActionOutcome::kOk);
  auto resolve = action(1, ItemAction::kResolve);
  resolve.outcome = "other";
  resolve.reason_code = "helped";
  resolve.create_follow_up = true;
  resolve.follow_up_deadline = "2026-12-20";
  resolve.follow_up_from = "2026-12-02";
  resolve.follow_up_working_days = 10;
  auto r = act(tx, resolve);
  REQUIRE(r.outcome == ActionOutcome::kOk);
  CHECK(r.item.state == ItemState::kResolved);
  REQUIRE(r.follow_up_item != 0);
  auto f = tx.loadItem(r.follow_up_item).value();
  REQUIRE(f);
  CHECK(f->item_kind == ItemKind::kFollowUp);
  CHECK(f->parent_item == 1);
  CHECK(f->deadline == "2026-12-20");
  CHECK(f->queue == "451229205");
  CHECK(tx.history(f->item_id)[0].detail == "follow-up of item 1");

  SECTION("a notification's case gets none") {
    ingest(tx, plannedMessage(MessageKind::kNotification, "n-1", "2026-12-01T01:00:00Z"));
    const int64_t case_id = itemOf(tx, 2) ? itemOf(tx, 2) : 3;
    REQUIRE(act(tx, action(case_id, ItemAction::kClaim)).outcome == ActionOutcome::kOk);
    auto again = resolve;
    again.item_id = case_id;
    CHECK(act(tx, again).follow_up_item == 0);
  }
}

TEST_CASE("an illegal staff action is refused and writes nothing", "[work_policy]") {
  MemoryWorkTransaction tx;
  ingest(tx, plannedMessage(MessageKind::kTicket, "t-1", "2026-12-01T01:00:00Z"));
  const auto history = tx.history(1).size();
  const int events = tx.eventsAppended();
  auto resolve = action(1, ItemAction::kResolve);
  resolve.outcome = "other";
  auto r = act(tx, resolve);  // not claimed yet
  CHECK(r.outcome == ActionOutcome::kConflict);
  CHECK_FALSE(r.problem.empty());
  CHECK(tx.history(1).size() == history);
  CHECK(tx.eventsAppended() == events);

  auto elsewhere = action(1, ItemAction::kClaim);
  elsewhere.queue = "county";
  CHECK(act(tx, elsewhere).outcome == ActionOutcome::kNotFound);
  CHECK(act(tx, action(99, ItemAction::kClaim)).outcome == ActionOutcome::kNotFound);
}

TEST_CASE("a transfer leaves one queue's feed and enters another's", "[work_policy]") {
  MemoryWorkTransaction tx;
  ingest(tx, plannedMessage(MessageKind::kTicket, "t-1", "2026-12-01T01:00:00Z"));
  auto transfer = action(1, ItemAction::kTransfer);
  transfer.target_queue = "county";
  transfer.text = "needs the county";
  auto r = act(tx, transfer);
  REQUIRE(r.outcome == ActionOutcome::kOk);
  CHECK(r.item.queue == "county");
  CHECK(tx.events("451229205").back().type == EventType::kTransferredOut);
  CHECK(tx.events("county").back().type == EventType::kTransferredIn);
  CHECK(tx.history(1).back().detail == "to county: needs the county");
}

TEST_CASE("the sweep marks late items overdue and escalates them once", "[work_policy]") {
  MemoryWorkTransaction tx;
  auto late = plannedMessage(MessageKind::kTicket, "t-1", "2026-12-01T01:00:00Z");
  late.plan.case_deadline = "2026-12-03";
  ingest(tx, late);
  auto later = plannedMessage(MessageKind::kTicket, "t-2", "2026-12-01T01:00:00Z");
  later.plan.case_deadline = "2026-12-30";
  ingest(tx, later);
  auto undated = plannedMessage(MessageKind::kTicket, "t-3", "2026-11-01T01:00:00Z");
  undated.plan.case_deadline.clear();
  ingest(tx, undated);

  auto sweep = [&](const std::string& undated_before) {
    std::optional<SweepResult> out;
    auto job = routing::sweepJob("2026-12-05", "county-escalation", "2026-12-05T00:00:00Z",
                                 undated_before, {}, [&](auto r) { out = std::move(r); });
    REQUIRE(runJob(job, tx).isOk());
    REQUIRE(out);
    return *out;
  };
  auto r = sweep("2026-11-15T00:00:00Z");
  CHECK(r.marked_overdue == 2);
  CHECK(r.escalated == 2);
  auto item = tx.loadItem(1).value();
  CHECK(item->overdue);
  CHECK(item->queue == "county-escalation");
  CHECK(item->state == ItemState::kEscalated);
  CHECK(tx.history(1).back().action == "escalated");
  CHECK(tx.events("451229205").back().type == EventType::kEscalatedOut);
  CHECK(tx.events("county-escalation").size() == 2);
  CHECK_FALSE(tx.loadItem(2).value()->overdue);
  CHECK(tx.loadItem(3).value()->overdue);
  REQUIRE(r.overdue_by_queue_township.size() == 1);
  CHECK(r.overdue_by_queue_township[0].second == 2);
  // Already overdue: not swept again.
  CHECK(sweep("").marked_overdue == 0);
}

TEST_CASE("provisional deadlines are counted again when the notice is loaded", "[work_policy]") {
  MemoryWorkTransaction tx;
  auto r = plannedMessage(MessageKind::kTicket, "t-1", "2026-12-01T01:00:00Z");
  r.plan.case_deadline = "2027-01-08";
  r.plan.case_deadline_provisional = true;
  r.plan.accepted_on = "2026-12-31";
  ingest(tx, r);
  REQUIRE(tx.loadItem(1).value()->deadline_provisional);
  std::optional<int> changed;
  DeadlineCounter count = [](const std::string& from, int days) {
    CHECK(from == "2026-12-31");
    CHECK(days == 5);
    return RecountedDeadline{"2027-01-11", false};
  };
  auto job = routing::recountDeadlinesJob(count, "2026-12-20T00:00:00Z",
                                          [&](std::optional<int> n) { changed = n; });
  REQUIRE(runJob(job, tx).isOk());
  CHECK(changed == 1);
  auto item = tx.loadItem(1).value();
  CHECK(item->deadline == "2027-01-11");
  CHECK_FALSE(item->deadline_provisional);
  CHECK(tx.history(1).back().detail ==
        "deadline 2027-01-08 (provisional) -> 2027-01-11 (holiday notice loaded)");
  CHECK(tx.events("451229205").back().type == EventType::kDeadlineChanged);
}

TEST_CASE("a batch that fails answers every job unavailable", "[work_policy]") {
  IngestResult ingested;
  ingested.outcome = IngestOutcome::kAccepted;
  auto job = routing::ingestJob(
      plannedMessage(MessageKind::kTicket, "t-1", "2026-12-01T01:00Z"),
      [&](IngestResult r) { ingested = std::move(r); }, envelope::outboundBodies());
  MemoryWorkTransaction tx;
  REQUIRE(job->apply(tx).isOk());
  job->done(Status::unavailable("storage full: disk"));
  CHECK(ingested.outcome == IngestOutcome::kUnavailable);
  CHECK(ingested.detail == "storage full");

  ActionResult acted;
  acted.outcome = ActionOutcome::kOk;
  auto action_job = routing::itemActionJob(
      action(1, ItemAction::kClaim), [&](ActionResult r) { acted = std::move(r); },
      envelope::outboundBodies());
  REQUIRE(action_job->apply(tx).isOk());
  action_job->done(Status::ioError("commit: disk I/O error"));
  CHECK(acted.outcome == ActionOutcome::kUnavailable);
}
