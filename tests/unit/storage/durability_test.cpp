// Durability, the hub's first promise (README, hub/THREADS.md): the store's connections run
// with synchronous=FULL, and every batch the writer commits reaches the disk (an fsync) before
// any of its messages is acknowledged. The SIGKILL tests cannot see a missing sync (the page
// cache outlives a killed process), so this counts the syncs the real store makes through the
// fault VFS (hub/storage/fault_vfs.h) at each acknowledgement. In WAL mode, NORMAL would sync
// only at checkpoints: the acknowledgements would come before the data is on the disk.
#include <sqlite3.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/envelope/outbound_codec.h"
#include "hub/core/metrics.h"
#include "hub/security/field_cipher.h"
#include "hub/storage/fault_vfs.h"
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

// A message with no person in it: durability does not depend on what is stored.
IngestRecord record(int n) {
  IngestRecord r;
  r.kind = MessageKind::kNotification;
  r.source = "agency-test";
  r.message_id = "d-" + std::to_string(n);
  r.township = "451229205";
  r.occurred_at = "2026-11-30T10:00:00+08:00";
  r.received_at = "2026-11-30T10:00:01+08:00";
  r.body_hash = std::string(64, 'a' + static_cast<char>(n % 26));
  r.payload = "{\"n\":" + std::to_string(n) + "}";
  r.plan.route_rule = "triage";
  r.plan.accepted_on = "2026-11-30";
  return r;
}

}  // namespace

TEST_CASE("every acknowledged batch was synced to disk first; synchronous is FULL",
          "[storage][durability]") {
  xj::test::TempDir t("durability");
  StoreConfig config;
  config.path = (t.dir / "hub.db").string();
  config.key_file = (t.dir / "hub.key").string();
  config.readers = 1;
  config.fault_injection = true;  // the VFS that counts syncs
  MetricsRegistry metrics;
  routing::PolicyJobs jobs{envelope::outboundBodies()};
  auto opened = SqliteStore::open(config, metrics, "test-fingerprint", testKek(),
                                  "2026-01-05T09:00:00Z", jobs);
  REQUIRE(opened.isOk());
  auto& store = *opened.value();

  std::mutex mu;
  std::condition_variable cv;
  struct Ack {
    int64_t syncs_at_submit = 0, syncs_at_ack = 0;
    IngestOutcome outcome = IngestOutcome::kUnavailable;
    bool done = false;
  };
  // One at a time (each its own batch), then a burst that the writer may group-commit.
  std::vector<Ack> acks(40);
  auto submit = [&](int i) {
    acks[i].syncs_at_submit = vfsWriteStats().syncs;
    REQUIRE(store.submit(record(i), [&, i](IngestResult r) {
      const int64_t syncs = vfsWriteStats().syncs;
      std::lock_guard lock(mu);
      acks[i].syncs_at_ack = syncs;
      acks[i].outcome = r.outcome;
      acks[i].done = true;
      cv.notify_all();
    }));
  };
  auto waitAll = [&](int end) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(20), [&] {
      for (int i = 0; i < end; ++i)
        if (!acks[i].done) return false;
      return true;
    });
  };
  for (int i = 0; i < 20; ++i) {
    submit(i);
    REQUIRE(waitAll(i + 1));
  }
  for (int i = 20; i < 40; ++i) submit(i);
  REQUIRE(waitAll(40));
  store.stop();

  int unsynced = 0;
  for (const auto& a : acks) {
    CHECK(a.outcome == IngestOutcome::kAccepted);
    if (a.syncs_at_ack <= a.syncs_at_submit) ++unsynced;
  }
  CHECK(unsynced == 0);

  // The setting itself, on a connection the store's own code opens (Db::open: the writer's and
  // the readers' connections all come from it): 2 is FULL.
  for (bool read_only : {false, true}) {
    INFO("read_only=" << read_only);
    auto db = Db::open(config.path, read_only);
    REQUIRE(db.isOk());
    auto st = db.value().prepare("PRAGMA synchronous");
    REQUIRE(st.step() == SQLITE_ROW);
    CHECK(st.int64(0) == 2);
  }
}
