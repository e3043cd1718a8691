// The writer's two promises to the jobs it runs (hub/core/write_job.h, hub/THREADS.md), checked
// on the real SqliteStore with its writer paused so that the queue holds what the test put in:
//  - a batch fails as one: when any job's apply() fails, nothing of the batch is stored and every
//    job of it hears the failure (an inbound message is answered unavailable, never accepted);
//  - the rooms: inbound messages count against store.queue_capacity, and staff actions, sweeps
//    and the outbox's bookkeeping have their own room, so a flood of inbound messages cannot
//    lock caseworkers out, nor take inbound places.
#include <sqlite3.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

#include "adapters/envelope/outbound_codec.h"
#include "hub/core/metrics.h"
#include "hub/security/field_cipher.h"
#include "hub/storage/sqlite_db.h"
#include "hub/storage/sqlite_store.h"
#include "routing/work/policy_jobs.h"
#include "tests/support/temp_dir.h"

using namespace xj;
using namespace xj::storage;

namespace {

// The key-encryption key of the store's sealed columns: one in memory for the test.
const xj::security::KeyEncryptionKey& testKek() {
  static const auto kek = xj::security::KeyEncryptionKey::fromSecret(std::string(32, 'k'));
  return kek;
}

// A message with no person in it: what the writer does with it does not depend on its content.
IngestRecord record(const std::string& id) {
  IngestRecord r;
  r.kind = MessageKind::kNotification;
  r.source = "agency-test";
  r.message_id = id;
  r.township = "451229205";
  r.occurred_at = "2026-11-30T10:00:00+08:00";
  r.received_at = "2026-11-30T10:00:01+08:00";
  r.body_hash = std::string(64, 'b');
  r.payload = "{}";
  r.plan.route_rule = "triage";
  r.plan.accepted_on = "2026-11-30";
  return r;
}

// What the writer answered each job; the test waits for a count of answers.
struct Answers {
  std::mutex mu;
  std::condition_variable cv;
  int count = 0;

  void add() {
    std::lock_guard lock(mu);
    ++count;
    cv.notify_all();
  }
  bool waitFor(int n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(20), [&] { return count >= n; });
  }
};

// A job that writes a message row and then fails, as a policy does when the transaction
// answers an error half-way: the batch it is in must fail as a whole.
class FailingJob final : public WriteJob {
 public:
  FailingJob(Answers& answers, std::optional<Status>& heard) : answers_(answers), heard_(heard) {}
  Status apply(WorkTransaction& tx) override {
    auto inserted = tx.insertMessage(record("failing-job"), MessageStatus::kAccepted);
    if (!inserted.isOk()) return inserted.status();
    return Status::internal("the job failed half-way");
  }
  void done(const Status& commit) override {
    heard_ = commit;
    answers_.add();
  }

 private:
  Answers& answers_;
  std::optional<Status>& heard_;
};

// A job that writes nothing: it only takes a place in a room.
class NoopJob final : public WriteJob {
 public:
  explicit NoopJob(Answers& answers) : answers_(answers) {}
  Status apply(WorkTransaction&) override { return Status::ok(); }
  void done(const Status&) override { answers_.add(); }

 private:
  Answers& answers_;
};

StoreConfig storeIn(const xj::test::TempDir& t) {
  StoreConfig config;
  config.path = (t.dir / "hub.db").string();
  config.key_file = (t.dir / "hub.key").string();
  config.readers = 1;
  return config;
}

std::string messageIds(const std::string& path) {
  auto db = Db::open(path, true);
  REQUIRE(db.isOk());
  auto st = db.value().prepare("SELECT message_id FROM messages ORDER BY hub_seq");
  std::string ids;
  while (st.step() == SQLITE_ROW) ids += st.text(0) + " ";
  return ids;
}

}  // namespace

TEST_CASE("a batch with a failed job answers every job unavailable and stores none of it",
          "[storage][writer]") {
  xj::test::TempDir t("writer");
  StoreConfig config = storeIn(t);
  MetricsRegistry metrics;
  routing::PolicyJobs jobs{envelope::outboundBodies()};
  auto opened = SqliteStore::open(config, metrics, "test-fingerprint", testKek(),
                                  "2026-01-05T09:00:00Z", jobs);
  REQUIRE(opened.isOk());
  auto& store = *opened.value();

  Answers answers;
  IngestResult first, second, after;
  std::optional<Status> failed_heard;
  // Paused, the writer takes all three as one batch when it resumes.
  store.setPaused(true);
  REQUIRE(store.submit(record("before"), [&](IngestResult r) {
    first = std::move(r);
    answers.add();
  }));
  REQUIRE(store.write(std::make_unique<FailingJob>(answers, failed_heard), WriteRoom::kPriority));
  REQUIRE(store.submit(record("behind"), [&](IngestResult r) {
    second = std::move(r);
    answers.add();
  }));
  REQUIRE(store.queueDepth() == 3);
  store.setPaused(false);
  REQUIRE(answers.waitFor(3));

  CHECK(first.outcome == IngestOutcome::kUnavailable);
  CHECK(second.outcome == IngestOutcome::kUnavailable);
  REQUIRE(failed_heard);
  CHECK_FALSE(failed_heard->isOk());

  // The next batch is a batch of its own: stored and accepted.
  REQUIRE(store.submit(record("after"), [&](IngestResult r) {
    after = std::move(r);
    answers.add();
  }));
  REQUIRE(answers.waitFor(4));
  CHECK(after.outcome == IngestOutcome::kAccepted);
  store.stop();
  CHECK(messageIds(config.path) == "after ");
}

TEST_CASE("inbound messages count against queue_capacity; other writes have their own room",
          "[storage][rooms]") {
  xj::test::TempDir t("writer");
  StoreConfig config = storeIn(t);
  config.queue_capacity = 2;
  MetricsRegistry metrics;
  routing::PolicyJobs jobs{envelope::outboundBodies()};
  auto opened = SqliteStore::open(config, metrics, "test-fingerprint", testKek(),
                                  "2026-01-05T09:00:00Z", jobs);
  REQUIRE(opened.isOk());
  auto& store = *opened.value();

  Answers answers;
  int accepted = 0;
  auto count = [&](IngestResult r) {
    if (r.outcome == IngestOutcome::kAccepted) ++accepted;  // writer thread only
    answers.add();
  };
  store.setPaused(true);
  CHECK(store.submit(record("in-1"), count));
  CHECK(store.submit(record("in-2"), count));
  // The inbound room is full: the next message is refused (the caller answers 503).
  CHECK_FALSE(store.submit(record("in-3"), count));
  CHECK(store.ingestDepth() == 2);
  // A staff action still gets in, and takes no inbound place.
  CHECK(store.write(std::make_unique<NoopJob>(answers), WriteRoom::kPriority));
  CHECK(store.ingestDepth() == 2);
  // Outbox rows with no domain change behind them wait while the inbound room is full.
  CHECK_FALSE(store.write(std::make_unique<NoopJob>(answers), WriteRoom::kBesideInbound));
  CHECK(store.queueDepth() == 3);

  store.setPaused(false);
  REQUIRE(answers.waitFor(3));
  CHECK(accepted == 2);
  CHECK(store.ingestDepth() == 0);
  // With the room free again, inbound messages are taken.
  CHECK(store.submit(record("in-4"), count));
  REQUIRE(answers.waitFor(4));
  store.stop();
  CHECK(accepted == 3);
  CHECK(messageIds(config.path) == "in-1 in-2 in-4 ");
}
