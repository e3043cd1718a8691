// Platform uploads (routing/platform/category_upload.h) through the staff action's write job,
// against the in-memory WorkTransaction: a resolution that establishes or changes a person's
// category records it and, when the platform is on, enqueues one upload in the person's lane;
// one that confirms the category, or an item that names nobody, uploads nothing.
#include <catch2/catch.hpp>

#include "adapters/envelope/outbound_codec.h"
#include "hub/core/partner_directory.h"
#include "routing/platform/category_upload.h"
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

// Stores a ticket about `id_key` (empty: nobody) and claims its case; returns the item id.
int64_t claimedCase(MemoryWorkTransaction& tx, const std::string& id, const std::string& id_key) {
  auto r = plannedMessage(MessageKind::kTicket, id, "2026-12-01T01:00:00Z");
  r.plan.id_key = id_key;
  r.plan.repeat_since = "2026-12-01T01:00:00Z";
  auto job = routing::ingestJob(
      r, [](IngestResult) {}, envelope::outboundBodies());
  REQUIRE(runJob(job, tx).isOk());
  ItemActionRequest claim;
  claim.queue = "451229205";
  claim.action = ItemAction::kClaim;
  claim.actor = "tok-staff";
  claim.at = "2026-12-01T02:00:00Z";
  // The newest item is this ticket's case.
  for (int64_t i = 1;; ++i)
    if (!tx.loadItem(i + 1).value()) {
      claim.item_id = i;
      break;
    }
  ActionResult out;
  auto claim_job = routing::itemActionJob(
      claim, [&](ActionResult a) { out = std::move(a); }, envelope::outboundBodies());
  REQUIRE(runJob(claim_job, tx).isOk());
  REQUIRE(out.outcome == ActionOutcome::kOk);
  return claim.item_id;
}

ActionResult resolve(MemoryWorkTransaction& tx, int64_t item, const std::string& outcome,
                     PlatformUploadPolicy platform) {
  ItemActionRequest req;
  req.queue = "451229205";
  req.item_id = item;
  req.action = ItemAction::kResolve;
  req.actor = "tok-staff";
  req.at = "2026-12-01T20:00:00Z";  // 2026-12-02 in China Standard Time
  req.outcome = outcome;
  req.reason_code = "checked";
  req.platform = platform;
  ActionResult out;
  auto job = routing::itemActionJob(
      req, [&](ActionResult a) { out = std::move(a); }, envelope::outboundBodies());
  REQUIRE(runJob(job, tx).isOk());
  REQUIRE(out.outcome == ActionOutcome::kOk);
  return out;
}

PlatformUploadPolicy enabled() {
  PlatformUploadPolicy p;
  p.enabled = true;
  return p;
}

}  // namespace

TEST_CASE("outcomes that establish a category", "[category_upload]") {
  CHECK(routing::categoryOfOutcome("eligible_dibao") == "dibao");
  CHECK(routing::categoryOfOutcome("eligible_tekun") == "tekun");
  CHECK(routing::categoryOfOutcome("eligible_dibao_edge") == "dibao_edge");
  CHECK(routing::categoryOfOutcome("eligible_rigid_expense") == "rigid_expense");
  CHECK(routing::categoryOfOutcome("not_eligible") == "none");
  CHECK_FALSE(routing::categoryOfOutcome("unreachable"));
  CHECK_FALSE(routing::categoryOfOutcome("duplicate"));
}

TEST_CASE("a new category is recorded and uploaded in the person's lane", "[category_upload]") {
  MemoryWorkTransaction tx;
  const int64_t item = claimedCase(tx, "t-1", personKey('a'));
  tx.takeEnqueued();
  resolve(tx, item, "eligible_dibao", enabled());
  auto category = tx.personCategory(personKey('a')).value();
  REQUIRE(category);
  CHECK(category->category == "dibao");
  CHECK(category->since == "2026-12-02");
  CHECK(category->item_id == item);
  CHECK(tx.history(item).back().detail == "category none -> dibao");
  auto sent = tx.takeEnqueued();
  REQUIRE(sent.size() == 1);
  const auto& m = sent[0].message;
  CHECK(m.partner == kPlatformPartner);
  CHECK(m.kind == "platform.category_change");
  CHECK(m.lane_key == personKey('a'));
  CHECK(m.idempotency_key == "platform-item-" + std::to_string(item));
  CHECK(m.body_json.find("\"change\":\"added\"") != std::string::npos);
  CHECK(m.body_json.find("\"village\":\"v1\"") != std::string::npos);
  // The raw ID number leaves only when the platform's fields allow it.
  CHECK(m.body_json.find("id_number") == std::string::npos);

  SECTION("a later change is uploaded as changed, then removed") {
    resolve(tx, claimedCase(tx, "t-2", personKey('a')), "eligible_tekun", enabled());
    auto changed = tx.takeEnqueued();
    REQUIRE(changed.size() == 1);
    CHECK(changed[0].message.body_json.find("\"previous_category\":\"dibao\"") !=
          std::string::npos);
    CHECK(changed[0].message.body_json.find("\"change\":\"changed\"") != std::string::npos);
    resolve(tx, claimedCase(tx, "t-3", personKey('a')), "not_eligible", enabled());
    auto removed = tx.takeEnqueued();
    REQUIRE(removed.size() == 1);
    CHECK(removed[0].message.body_json.find("\"change\":\"removed\"") != std::string::npos);
  }
  SECTION("the same category again uploads nothing") {
    resolve(tx, claimedCase(tx, "t-2", personKey('a')), "eligible_dibao", enabled());
    CHECK(tx.takeEnqueued().empty());
  }
}

TEST_CASE("the ID number leaves when the platform's fields name it", "[category_upload]") {
  MemoryWorkTransaction tx;
  const int64_t item = claimedCase(tx, "t-1", personKey('a'));
  auto platform = enabled();
  platform.id_number = true;
  platform.village = false;
  resolve(tx, item, "eligible_dibao", platform);
  auto sent = tx.takeEnqueued();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].message.body_json.find("\"id_number\":\"ID-t-1\"") != std::string::npos);
  CHECK(sent[0].message.body_json.find("village") == std::string::npos);
}

TEST_CASE("with the platform off the category is recorded and nothing leaves",
          "[category_upload]") {
  MemoryWorkTransaction tx;
  const int64_t item = claimedCase(tx, "t-1", personKey('a'));
  resolve(tx, item, "eligible_dibao", PlatformUploadPolicy{});
  CHECK(tx.personCategory(personKey('a')).value());
  CHECK(tx.takeEnqueued().empty());
}

TEST_CASE("an item that names nobody, or an outcome without a category, uploads nothing",
          "[category_upload]") {
  MemoryWorkTransaction tx;
  resolve(tx, claimedCase(tx, "t-1", ""), "eligible_dibao", enabled());
  CHECK(tx.takeEnqueued().empty());
  resolve(tx, claimedCase(tx, "t-2", personKey('b')), "unreachable", enabled());
  CHECK(tx.takeEnqueued().empty());
  CHECK_FALSE(tx.personCategory(personKey('b')).value());
}
