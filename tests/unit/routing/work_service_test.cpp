// The work service (routing/work/work_service.h) against the in-memory store and transaction:
// the decisions it took over from the HTTP handlers. A resolution's follow-up and its deadline
// (from the route table and the calendar in force) and the platform's upload policy; a referral
// out refused for the partner's capacity, its need or its township (nothing written), allowed
// only into a queue the caller may see, and sent with its answer-by date and the person's
// allowed fields; and the sweep's cut-off for items without a deadline.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <utility>
#include <vector>

#include "adapters/envelope/outbound_codec.h"
#include "hub/core/clock.h"
#include "hub/core/partner_directory.h"
#include "routing/route_table.h"
#include "routing/work/work_service.h"
#include "tests/support/memory_work_store.h"
#include "tests/support/memory_work_transaction.h"
#include "tests/support/work_fixtures.h"

using namespace xj;
using xj::testing::MemoryWorkStore;
using xj::testing::MemoryWorkTransaction;
using xj::testing::personKey;
using xj::testing::plannedMessage;

namespace {

const char* const kTownship = "451229205";

// A service over one in-memory store, its clock at 2026-12-01T20:00Z (2026-12-02 in China), a
// route table with the township queue and a county queue, and a calendar that answers
// "2026-12-(10 + n)" for n working days from any day (each count is kept for the assertions).
struct Fixture {
  MemoryWorkTransaction tx;
  MemoryWorkStore store{tx};
  SettableClock clock;
  std::shared_ptr<routing::RouteTable> table = std::make_shared<routing::RouteTable>();
  routing::RouteTableHolder routes{table};
  std::shared_ptr<PartnerDirectory> directory = std::make_shared<PartnerDirectory>();
  std::vector<std::pair<std::string, int>> counted;  // (from, working days) asked of the calendar
  std::unique_ptr<routing::WorkService> service;

  Fixture() {
    clock.set(std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} + std::chrono::hours(20));
    table->queues = {{kTownship, "", "", kTownship}, {"county-triage", "", "", ""}};
    table->escalation_queue = "county-triage";
    Partner a;
    a.org = "charity-a";
    a.services = {"food"};
    a.townships = {kTownship};
    a.accept_within_working_days = 3;
    directory->partners.push_back(a);
    service = std::make_unique<routing::WorkService>(routing::WorkServiceDeps{
        .messages = store,
        .work = store,
        .routes = routes,
        .clock = clock,
        .partners = [this] { return std::shared_ptr<const PartnerDirectory>(directory); },
        .deadline =
            [this](const std::string& from, int days) {
              counted.emplace_back(from, days);
              return routing::PlannedDeadline{"2026-12-" + std::to_string(10 + days), false};
            },
        .encode_person = envelope::encodePerson,
    });
  }

  // A ticket's case in the township queue, claimed; returns its item id.
  int64_t claimedCase(const std::string& id) {
    IngestResult stored;
    auto r = plannedMessage(MessageKind::kTicket, id, "2026-12-01T01:00:00Z");
    r.payload = "{\"subject\":{\"name\":\"N\",\"phone\":\"P\",\"id_number\":\"I\"}}";
    r.plan.id_key = personKey(id.back());  // one person per ticket: no repeat-call linking
    r.plan.repeat_since = "2026-12-01T01:00:00Z";
    REQUIRE(service->ingest(r, [&](IngestResult x) { stored = std::move(x); }));
    REQUIRE(stored.outcome == IngestOutcome::kAccepted);
    int64_t item = 0;
    while (tx.loadItem(item + 1).value()) ++item;
    ActionResult claimed;
    REQUIRE(service->act(action(item, ItemAction::kClaim),
                         [&](ActionResult a) { claimed = std::move(a); }));
    REQUIRE(claimed.outcome == ActionOutcome::kOk);
    return item;
  }

  static ItemActionRequest action(int64_t item, ItemAction a) {
    ItemActionRequest req;
    req.queue = kTownship;
    req.item_id = item;
    req.action = a;
    req.actor = "tok-staff";
    if (a == ItemAction::kResolve) {
      req.outcome = "eligible_dibao";
      req.reason_code = "checked";
    }
    return req;
  }

  ActionResult resolve(int64_t item) {
    ActionResult out;
    REQUIRE(service->act(action(item, ItemAction::kResolve),
                         [&](ActionResult a) { out = std::move(a); }));
    return out;
  }

  static ExchangeCommand referral(int64_t item, const std::string& partner = "charity-a") {
    ExchangeCommand cmd;
    cmd.queue = kTownship;
    cmd.item_id = item;
    cmd.partner = partner;
    cmd.need = "food";
    cmd.actor = "tok-staff";
    cmd.consent_json = "{\"recorded\":true}";
    return cmd;
  }

  routing::ReferralAnswer referOut(ExchangeCommand cmd, Problems problems = {},
                                   bool may_see = true) {
    routing::ReferralAnswer out;
    bool answered = false;
    service->referOut(
        std::move(cmd), std::move(problems), [may_see](const routing::Queue&) { return may_see; },
        [&](routing::ReferralAnswer a) {
          out = std::move(a);
          answered = true;
        });
    REQUIRE(answered);
    return out;
  }

  std::vector<OutboxRecord> referralsSent() {
    std::vector<OutboxRecord> out;
    for (auto& r : tx.takeEnqueued())
      if (r.message.kind == "exchange.referral") out.push_back(std::move(r));
    return out;
  }
};

}  // namespace

TEST_CASE("a resolution gets the route table's follow-up with its deadline counted",
          "[work_service]") {
  Fixture f;
  const int64_t item = f.claimedCase("t-1");
  f.table->follow_up_working_days = 5;
  auto r = f.resolve(item);
  REQUIRE(r.outcome == ActionOutcome::kOk);
  REQUIRE(r.follow_up_item != 0);
  // Counted from the day of the resolution in China (20:00 UTC is the next day there).
  REQUIRE(f.counted.size() == 1);
  CHECK(f.counted[0] == std::make_pair(std::string("2026-12-02"), 5));
  auto follow_up = f.tx.loadItem(r.follow_up_item).value();
  REQUIRE(follow_up);
  CHECK(follow_up->item_kind == ItemKind::kFollowUp);
  CHECK(follow_up->parent_item == item);
  CHECK(follow_up->deadline == "2026-12-15");
}

TEST_CASE("no follow-up when the route table asks for none", "[work_service]") {
  Fixture f;
  f.table->follow_up_on_resolve = false;
  auto r = f.resolve(f.claimedCase("t-1"));
  REQUIRE(r.outcome == ActionOutcome::kOk);
  CHECK(r.follow_up_item == 0);
  CHECK(f.counted.empty());
}

TEST_CASE("a category change is uploaded only when the directory's platform is on",
          "[work_service]") {
  Fixture f;
  auto uploads = [&f] {
    int n = 0;
    for (const auto& r : f.tx.takeEnqueued())
      if (r.message.partner == kPlatformPartner) ++n;
    return n;
  };
  SECTION("off") {
    REQUIRE(f.resolve(f.claimedCase("t-1")).outcome == ActionOutcome::kOk);
    CHECK(uploads() == 0);
  }
  SECTION("on, with the platform's fields") {
    f.directory->platform.enabled = true;
    f.directory->platform.fields = {"id_number"};
    REQUIRE(f.resolve(f.claimedCase("t-1")).outcome == ActionOutcome::kOk);
    auto sent = f.tx.outbox();
    REQUIRE(uploads() == 1);
    const auto& body = sent.back().message.body_json;
    CHECK(body.find("\"id_number\"") != std::string::npos);
    CHECK(body.find("\"village\"") == std::string::npos);
  }
}

TEST_CASE("a referral out to a full partner is refused and writes nothing", "[work_service]") {
  Fixture f;
  const int64_t item = f.claimedCase("t-1");
  f.directory->partners[0].capacity = PartnerCapacity::kFull;
  const int writes = f.store.writes();
  auto a = f.referOut(Fixture::referral(item));
  REQUIRE(a.outcome == routing::ReferralAnswer::Outcome::kInvalid);
  REQUIRE(a.problems.size() == 1);
  CHECK(a.problems[0].path == "/partner");
  CHECK(a.problems[0].problem.find("no capacity") != std::string::npos);
  CHECK(f.store.writes() == writes);
  CHECK(f.referralsSent().empty());
}

TEST_CASE("a referral's problems follow the caller's, every one listed", "[work_service]") {
  Fixture f;
  auto cmd = Fixture::referral(1, "charity-b");
  cmd.queue = "no-such-queue";
  auto a = f.referOut(cmd, {{"/note", "bad"}});
  REQUIRE(a.outcome == routing::ReferralAnswer::Outcome::kInvalid);
  REQUIRE(a.problems.size() == 3);
  CHECK(a.problems[0].path == "/note");
  CHECK(a.problems[1].problem == "not in the partner directory");
  CHECK(a.problems[2].problem == "unknown queue");

  cmd = Fixture::referral(1);
  cmd.need = "housing";
  a = f.referOut(cmd);
  REQUIRE(a.problems.size() == 1);
  CHECK(a.problems[0].path == "/need");
}

TEST_CASE("a referral out checks the township of the queue and of the item", "[work_service]") {
  Fixture f;
  const int64_t item = f.claimedCase("t-1");
  SECTION("a township queue the partner does not serve") {
    f.directory->partners[0].townships = {"451229206"};
    auto a = f.referOut(Fixture::referral(item));
    REQUIRE(a.outcome == routing::ReferralAnswer::Outcome::kInvalid);
    REQUIRE(a.problems.size() == 1);
    CHECK(a.problems[0].problem == "does not serve the item's township");
  }
  SECTION("an item transferred to a county queue keeps its township") {
    ActionResult moved;
    auto transfer = Fixture::action(item, ItemAction::kTransfer);
    transfer.target_queue = "county-triage";
    transfer.text = "county case";
    REQUIRE(f.service->act(transfer, [&](ActionResult r) { moved = std::move(r); }));
    REQUIRE(moved.outcome == ActionOutcome::kOk);
    f.directory->partners[0].townships = {"451229206"};
    auto cmd = Fixture::referral(item);
    cmd.queue = "county-triage";
    auto a = f.referOut(cmd);
    REQUIRE(a.outcome == routing::ReferralAnswer::Outcome::kInvalid);
    CHECK(a.problems[0].problem == "does not serve the item's township");
  }
  CHECK(f.referralsSent().empty());
}

TEST_CASE("a referral out into a queue the caller may not see is forbidden", "[work_service]") {
  Fixture f;
  auto a = f.referOut(Fixture::referral(f.claimedCase("t-1")), {}, false);
  CHECK(a.outcome == routing::ReferralAnswer::Outcome::kForbidden);
  CHECK(f.referralsSent().empty());
}

TEST_CASE("a referral out is due the partner's working days from today, with its fields",
          "[work_service]") {
  Fixture f;
  const int64_t item = f.claimedCase("t-1");
  f.counted.clear();
  auto a = f.referOut(Fixture::referral(item));
  REQUIRE(a.outcome == routing::ReferralAnswer::Outcome::kDone);
  REQUIRE(a.result.outcome == ExchangeCommandOutcome::kOk);
  REQUIRE(f.counted.size() == 1);
  CHECK(f.counted[0] == std::make_pair(std::string("2026-12-02"), 3));
  CHECK(a.result.exchange.due == "2026-12-13");
  auto sent = f.referralsSent();
  REQUIRE(sent.size() == 1);
  const auto& body = sent[0].message.body_json;
  CHECK(body.find("\"answer_by\":\"2026-12-13\"") != std::string::npos);
  // The default fields: name and phone, never the ID number.
  CHECK(body.find("\"person\":{\"name\":\"N\",\"phone\":\"P\",\"needs\":[\"food\"]}") !=
        std::string::npos);

  SECTION("no answer-by date when the partner has no answer period") {
    f.directory->partners[0].accept_within_working_days = 0;
    auto again = f.referOut(Fixture::referral(f.claimedCase("t-2")));
    REQUIRE(again.result.outcome == ExchangeCommandOutcome::kOk);
    CHECK(again.result.exchange.due.empty());
  }
  SECTION("an item not in the queue is not found") {
    CHECK(f.referOut(Fixture::referral(999)).outcome ==
          routing::ReferralAnswer::Outcome::kItemNotFound);
  }
}

TEST_CASE("the sweep escalates undated items after the route table's days", "[work_service]") {
  Fixture f;
  NewItem undated;
  undated.queue = kTownship;
  undated.hub_seq = 1;
  undated.township = kTownship;
  undated.category = "dibao";
  undated.at = "2026-11-20T01:00:00Z";
  const int64_t id = f.tx.insertItem(undated).value();
  auto sweep = [&f](const std::string& today) {
    std::optional<SweepResult> out;
    REQUIRE(f.service->sweep(today, [&](std::optional<SweepResult> r) { out = std::move(r); }));
    REQUIRE(out);
    return *out;
  };
  SECTION("never, by default") { CHECK(sweep("2026-12-02").escalated == 0); }
  SECTION("once older than escalate_undated_after_days") {
    f.table->escalate_undated_after_days = 14;
    CHECK(sweep("2026-12-03").escalated == 0);  // created after 2026-11-19 00:00 China time
    CHECK(sweep("2026-12-05").escalated == 1);
    CHECK(f.tx.loadItem(id).value()->overdue);
  }
}

TEST_CASE("partners are suggested by room, township and need", "[work_service]") {
  Fixture f;
  Partner b = f.directory->partners[0];
  b.org = "charity-b";
  b.capacity = PartnerCapacity::kWaitlist;
  Partner c = b;
  c.org = "charity-c";
  c.capacity = PartnerCapacity::kAvailable;
  Partner full = b;
  full.org = "charity-full";
  full.capacity = PartnerCapacity::kFull;
  f.directory->partners = {b, full, f.directory->partners[0], c};
  auto orgs = [](const std::vector<Partner>& ps) {
    std::vector<std::string> out;
    for (const auto& p : ps) out.push_back(p.org);
    return out;
  };
  CHECK(orgs(f.service->suggestPartners(kTownship, "food")) ==
        std::vector<std::string>{"charity-a", "charity-c", "charity-b"});
  CHECK(f.service->suggestPartners(kTownship, "housing").empty());
  ExchangeRecord rejected;
  rejected.direction = ExchangeDirection::kOutbound;
  rejected.state = ExchangeState::kRejected;
  rejected.partner = "charity-a";
  rejected.township = kTownship;
  rejected.need = "food";
  rejected.reason = "no_capacity";
  auto next = f.service->nextCandidates(rejected);
  REQUIRE(next);
  CHECK(orgs(*next) == std::vector<std::string>{"charity-c", "charity-b"});
  rejected.reason = "not_our_area";
  CHECK_FALSE(f.service->nextCandidates(rejected));
}

TEST_CASE("a partner's next progress report is counted from the directory in force",
          "[work_service]") {
  Fixture f;
  auto count = routing::progressDueCounter(
      [&f] { return std::shared_ptr<const PartnerDirectory>(f.directory); },
      [](const std::string& from, int days) {
        return routing::PlannedDeadline{from + "+" + std::to_string(days), false};
      });
  f.directory->partners[0].progress_every_working_days = 10;
  CHECK(count("charity-a", "2026-12-02") == "2026-12-02+10");
  f.directory->partners[0].progress_every_working_days = 0;
  CHECK(count("charity-a", "2026-12-02").empty());
  CHECK(count("charity-gone", "2026-12-02").empty());
}
