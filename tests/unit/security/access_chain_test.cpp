// The access record's chain: each record's keyed hash covers the one before it, so an edited,
// removed, inserted or reordered record is found, and named by its seq; a record made without
// the key does not fit. The recorder writes what waits as one job per batch, in the chain.
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "hub/security/access_chain.h"
#include "hub/security/access_recorder.h"
#include "tests/support/memory_work_transaction.h"

namespace {

using xj::AccessRecord;
using xj::security::AccessChain;

AccessRecord sample(int i) {
  AccessRecord r;
  r.at = "2026-12-07T09:00:0" + std::to_string(i % 10) + "Z";
  r.token_id = "tok" + std::to_string(i);
  r.org = "jiangnan-team";
  r.role = "staff";
  r.action = "read";
  r.endpoint = "GET /v1/queues/{queue}/items/{item}";
  r.objects = "queue=q item=" + std::to_string(i);
  r.person_keys = std::string(64, 'a');
  return r;
}

std::vector<AccessRecord> chained(const AccessChain& chain, int n) {
  std::vector<AccessRecord> out;
  std::string previous;
  for (int i = 1; i <= n; ++i) {
    auto r = sample(i);
    r.seq = i;
    r.chain = chain.link(previous, r);
    previous = r.chain;
    out.push_back(r);
  }
  return out;
}

// The seq of the first record that does not fit, or 0 when all do.
int64_t firstBad(const AccessChain& chain, const std::vector<AccessRecord>& records) {
  AccessChain::Walker walker(chain);
  for (const auto& r : records)
    if (!walker.check(r)) break;
  return walker.firstBad().value_or(0);
}

}  // namespace

TEST_CASE("an intact access chain verifies", "[audit]") {
  AccessChain chain(std::string(64, 'k'));
  CHECK(firstBad(chain, chained(chain, 5)) == 0);
  CHECK(firstBad(chain, {}) == 0);
}

TEST_CASE("an edited access record is named by its seq", "[audit]") {
  AccessChain chain(std::string(64, 'k'));
  auto records = chained(chain, 5);
  SECTION("a field") { records[2].org = "someone-else"; }
  SECTION("the purpose") { records[2].purpose = "x"; }
  SECTION("the person key") { records[2].person_keys = std::string(64, 'b'); }
  SECTION("the action") { records[2].action = "change"; }
  SECTION("its chain value") { records[2].chain = std::string(64, '0'); }
  CHECK(firstBad(chain, records) == 3);
}

TEST_CASE("a removed, inserted or reordered access record is found", "[audit]") {
  AccessChain chain(std::string(64, 'k'));
  auto records = chained(chain, 5);
  SECTION("removed in the middle: the next one is named") {
    records.erase(records.begin() + 2);
    CHECK(firstBad(chain, records) == 4);
  }
  SECTION("removed first") {
    records.erase(records.begin());
    CHECK(firstBad(chain, records) == 2);
  }
  SECTION("removed and the seqs renumbered: the chain does not fit") {
    records.erase(records.begin() + 2);
    for (size_t i = 0; i < records.size(); ++i) records[i].seq = static_cast<int64_t>(i) + 1;
    CHECK(firstBad(chain, records) == 3);
  }
  SECTION("inserted without the key") {
    AccessChain forger(std::string(64, 'f'));
    auto forged = sample(9);
    forged.seq = 3;
    forged.chain = forger.link(records[1].chain, forged);
    records.insert(records.begin() + 2, forged);
    for (size_t i = 3; i < records.size(); ++i) records[i].seq += 1;
    CHECK(firstBad(chain, records) == 3);
  }
  SECTION("two swapped") {
    std::swap(records[1], records[2]);
    CHECK(firstBad(chain, records) == 3);
  }
}

TEST_CASE("the access recorder writes what waits as one job, continuing the chain", "[audit]") {
  AccessChain chain(std::string(64, 'k'));
  std::vector<std::unique_ptr<xj::WriteJob>> queued;
  xj::security::AccessRecorder recorder(chain, [&](std::unique_ptr<xj::WriteJob> job) {
    queued.push_back(std::move(job));
    return true;
  });
  for (int i = 1; i <= 3; ++i) recorder.record(sample(i));
  REQUIRE(queued.size() == 1);  // the records that came while it waited joined it
  xj::testing::MemoryWorkTransaction tx;
  REQUIRE(queued[0]->apply(tx).isOk());
  queued[0]->done(xj::Status::ok());
  CHECK(recorder.waiting() == 0);

  recorder.record(sample(4));  // the next batch continues the chain from the stored tail
  REQUIRE(queued.size() == 2);
  REQUIRE(queued[1]->apply(tx).isOk());
  queued[1]->done(xj::Status::ok());
  REQUIRE(tx.accessLog().size() == 4);
  CHECK(tx.accessLog()[3].seq == 4);
  CHECK(firstBad(chain, tx.accessLog()) == 0);

  SECTION("a batch that did not commit is written again") {
    recorder.record(sample(5));
    REQUIRE(queued.size() == 3);
    xj::testing::MemoryWorkTransaction rolled_back;
    REQUIRE(queued[2]->apply(rolled_back).isOk());
    queued[2]->done(xj::Status::ioError("disk"));
    CHECK(recorder.waiting() == 1);
    CHECK(queued.size() == 3);  // not at once: a failing disk would spin the writer
    recorder.flush();
    REQUIRE(queued.size() == 4);
    REQUIRE(queued[3]->apply(tx).isOk());
    CHECK(tx.accessLog().size() == 5);
    CHECK(firstBad(chain, tx.accessLog()) == 0);
  }
}

TEST_CASE("retention removes only a whole oldest prefix and anchors the chain", "[audit]") {
  AccessChain chain(std::string(64, 'k'));
  std::vector<std::unique_ptr<xj::WriteJob>> queued;
  xj::security::AccessRecorder recorder(chain, [&](std::unique_ptr<xj::WriteJob> job) {
    queued.push_back(std::move(job));
    return true;
  });
  xj::testing::MemoryWorkTransaction tx;
  // Stamped :01 to :05, but record 3 late (:09, a clock set back meanwhile).
  for (int i = 1; i <= 5; ++i) {
    auto r = sample(i);
    if (i == 3) r.at = "2026-12-07T09:00:09Z";
    recorder.record(r);
  }
  REQUIRE(queued.size() == 1);
  REQUIRE(queued[0]->apply(tx).isOk());
  queued[0]->done(xj::Status::ok());
  auto log = tx.accessLog();
  REQUIRE(log.size() == 5);

  // Before :05: records 1 and 2 go; retention stops at 3, though 4 is old enough (no holes).
  REQUIRE(recorder.prune("2026-12-07T09:00:05Z"));
  REQUIRE(queued.size() == 2);
  REQUIRE(queued[1]->apply(tx).isOk());
  queued[1]->done(xj::Status::ok());
  REQUIRE(tx.accessLog().size() == 3);
  CHECK(tx.accessLog().front().seq == 3);
  CHECK(tx.accessAnchor().seq == 2);
  CHECK(tx.accessAnchor().chain == log[1].chain);

  // verify goes on from the anchor; a moved anchor does not fit.
  AccessChain::Walker walker(chain);
  REQUIRE(walker.startAfter(tx.accessAnchor()));
  for (const auto& r : tx.accessLog()) CHECK(walker.check(r));
  AccessChain::Walker moved(chain);
  xj::AccessAnchor forged{3, log[2].chain, tx.accessAnchor().mac};
  CHECK_FALSE(moved.startAfter(forged));
  CHECK(moved.firstBad() == 3);

  // Everything pruned: the next record still continues the chain from the anchor.
  REQUIRE(recorder.prune("2027-01-01T00:00:00Z"));
  REQUIRE(queued[2]->apply(tx).isOk());
  CHECK(tx.accessLog().empty());
  CHECK(tx.accessAnchor().seq == 5);
  recorder.record(sample(6));
  REQUIRE(queued[3]->apply(tx).isOk());
  REQUIRE(tx.accessLog().size() == 1);
  CHECK(tx.accessLog().front().seq == 6);
  AccessChain::Walker after(chain);
  REQUIRE(after.startAfter(tx.accessAnchor()));
  CHECK(after.check(tx.accessLog().front()));
}

TEST_CASE("accessObjects: the items and exchanges a record names", "[audit]") {
  AccessRecord r;
  r.endpoint = "GET /v1/queues/{queue}/items/{item}";
  r.objects = "queue=township-1 item=12";
  auto o = xj::accessObjects(r);
  REQUIRE(o.size() == 1);
  CHECK((o[0].kind == "item" && o[0].id == 12));

  r.endpoint = "GET /v1/exchanges/{id}";
  r.objects = "id=ex-42";
  o = xj::accessObjects(r);
  REQUIRE(o.size() == 1);
  CHECK((o[0].kind == "exchange" && o[0].id == 42));

  r.endpoint = "GET /v1/messages/{id}";  // a message's id is no exchange
  r.objects = "id=42";
  CHECK(xj::accessObjects(r).empty());

  r.endpoint = "GET /v1/audit";
  r.objects = "item=7 item=7 exchange=3 item=x item=-1";
  o = xj::accessObjects(r);
  REQUIRE(o.size() == 2);
  CHECK((o[0].kind == "item" && o[0].id == 7));
  CHECK((o[1].kind == "exchange" && o[1].id == 3));
}
