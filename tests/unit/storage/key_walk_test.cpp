// The key walk (hub/storage/key_walk.h) on the real SqliteStore: a database from before
// encryption has every personal column sealed in small batches while the store runs, and after a
// rotation (`xianjie key rotate`) every sealed value moves to the new key and the old key is
// destroyed. Nothing is lost or altered on the way: each value opens to what was stored.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "adapters/envelope/outbound_codec.h"
#include "hub/core/metrics.h"
#include "hub/security/field_cipher.h"
#include "hub/storage/data_keys.h"
#include "hub/storage/migrations.h"
#include "hub/storage/sealed_columns.h"
#include "hub/storage/sqlite_db.h"
#include "hub/storage/sqlite_store.h"
#include "routing/work/policy_jobs.h"
#include "tests/support/temp_dir.h"

using namespace xj;
using namespace xj::storage;

namespace {

const auto& kek() {
  static const auto k = security::KeyEncryptionKey::fromSecret(std::string(40, 'q'));
  return k;
}

// What each sealed column held, by "table.column#key", as written before encryption.
using Values = std::map<std::string, std::string>;

// A database at schema 19 (before sealed columns) with personal data in clear in every column
// that is sealed now, `n` rows per table.
Values writeClearDatabase(const std::string& path, int n) {
  auto opened = Db::open(path, false);
  REQUIRE(opened.isOk());
  Db db = std::move(opened).value();
  REQUIRE(migrate(db, 19).isOk());
  REQUIRE(db.exec("BEGIN").isOk());
  Values v;
  for (int i = 1; i <= n; ++i) {
    const std::string s = std::to_string(i);
    const std::string name = "李四光" + s;
    auto put = [&](const std::string& key, const std::string& value) {
      v[key] = value;
      return value;
    };
    auto st = db.prepare(
        "INSERT INTO messages(hub_seq, source, message_id, kind, township, occurred_at, "
        "received_at, status, body_hash, payload) VALUES(?1, 'hotline-1', ?2, 'ticket', "
        "'451229205', 'x', 'x', 'accepted', 'h', ?3)");
    st.bind(1, int64_t{i}).bind(2, "m-" + s);
    st.bind(3, put("messages.payload#" + s, R"({"subject":{"name":")" + name + R"("}})"));
    REQUIRE(st.step() == SQLITE_DONE);
    st = db.prepare(
        "INSERT INTO item_history(id, item_id, at, actor, action, from_state, to_state, detail) "
        "VALUES(?1, 1, 'x', 'a', 'note', 'new', 'new', ?2)");
    st.bind(1, int64_t{i}).bind(2, put("item_history.detail#" + s, "visited " + name));
    REQUIRE(st.step() == SQLITE_DONE);
    st = db.prepare(
        "INSERT INTO exchanges(exchange_id, direction, partner, state, township, queue, item_id, "
        "hub_seq, reason, outcome, consent, created_by, created_at, updated_at) VALUES(?1, "
        "'outbound', 'charity-1', 'rejected', '451229205', 'q', 1, 1, ?2, '', ?3, 't', 'x', 'x')");
    st.bind(1, int64_t{i}).bind(2, put("exchanges.reason#" + s, name + " moved away"));
    st.bind(3, put("exchanges.consent#" + s, R"({"by":")" + name + R"("})"));
    REQUIRE(st.step() == SQLITE_DONE);
    st = db.prepare(
        "INSERT INTO exchange_events(scope, event_id, event_hash, exchange_id, at, outcome, "
        "problem, path, state, reason, ex_outcome, updated_at, timeline_seq, due, overdue, "
        "progress_due, progress_overdue) VALUES('charity-1', ?1, 'h', 1, 'x', 'applied', '', '', "
        "'rejected', ?2, '', 'x', 1, '', 0, '', 0)");
    // Event ids that sort differently as text than as numbers: the walk's cursor is the key.
    st.bind(1, "ev-" + s).bind(2, put("exchange_events.reason#ev-" + s, name + " moved"));
    REQUIRE(st.step() == SQLITE_DONE);
    st = db.prepare(
        "INSERT INTO outbox(id, partner, lane_key, kind, idempotency_key, body, created_at, "
        "updated_at) VALUES(?1, 'charity-1', 'l', 'exchange.referral', ?2, ?3, 'x', 'x')");
    st.bind(1, int64_t{i}).bind(2, "k-" + s);
    st.bind(3, put("outbox.body#" + s, R"({"person":{"name":")" + name + R"("}})"));
    REQUIRE(st.step() == SQLITE_DONE);
  }
  REQUIRE(db.exec("COMMIT").isOk());
  return v;
}

// Every sealed value of the database, opened, by the same keys as writeClearDatabase; and how
// many are stored in clear or under a key other than `key`.
struct Stored {
  Values values;
  int in_clear = 0;
  int other_key = 0;
};
Stored readSealed(const std::string& path, uint32_t key) {
  security::FieldCipher cipher;
  auto db = openWithKeys(path, kek(), cipher);
  REQUIRE(db.isOk());
  Stored out;
  auto read = [&](const std::string& sql, const std::string& prefix, std::string_view label) {
    auto st = db.value().prepare(sql);
    REQUIRE(st.valid());
    while (st.step() == SQLITE_ROW) {
      if (st.isText(1) && !st.text(1).empty()) ++out.in_clear;
      auto id = security::FieldCipher::keyIdOf(st.blob(1));
      if (id && *id != key) ++out.other_key;
      out.values[prefix + st.text(0)] = st.opened(1, label);
    }
  };
  read("SELECT hub_seq, payload FROM messages", "messages.payload#", sealed::kMessagePayload);
  read("SELECT id, detail FROM item_history", "item_history.detail#", sealed::kHistoryDetail);
  read("SELECT exchange_id, reason FROM exchanges", "exchanges.reason#", sealed::kExchangeReason);
  read("SELECT exchange_id, consent FROM exchanges", "exchanges.consent#",
       sealed::kExchangeConsent);
  read("SELECT event_id, reason FROM exchange_events", "exchange_events.reason#",
       sealed::kExchangeReason);
  read("SELECT id, body FROM outbox", "outbox.body#", sealed::kOutboxBody);
  return out;
}

std::string fileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Asks the store to look at its keys until the walk reports done for `key` (checkDataKeys hears
// the state as a reader saw it before it queued more of the walk).
bool walkUntilDone(SqliteStore& store, uint32_t key, int rows) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < until) {
    std::atomic<int> seen{-1};
    store.checkDataKeys("2026-12-01T00:00:00Z", rows, [&](KeyWalkState s) {
      seen = s.done() && s.active_key == key && s.retiring_keys == 0 ? 1 : 0;
    });
    while (seen.load() < 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (seen.load() == 1) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::unique_ptr<SqliteStore> openStore(const std::string& path, MetricsRegistry& metrics,
                                       const WriteJobFactory& jobs) {
  StoreConfig config;
  config.path = path;
  auto opened =
      SqliteStore::open(config, metrics, "test-fingerprint", kek(), "2026-12-01T00:00:00Z", jobs);
  REQUIRE(opened.isOk());
  return std::move(opened).value();
}

}  // namespace

TEST_CASE("a database from before encryption is sealed in batches, nothing lost", "[at_rest]") {
  test::TempDir t("walk");
  const std::string path = (t.dir / "hub.db").string();
  Values clear = writeClearDatabase(path, 23);
  REQUIRE(readSealed(path, 1).in_clear == 6 * 23);
  MetricsRegistry metrics;
  routing::PolicyJobs jobs{envelope::outboundBodies()};
  {
    auto store = openStore(path, metrics, jobs);
    REQUIRE(walkUntilDone(*store, 1, 5));  // 5 rows a batch: many batches, cursors resumed
    store->stop();
  }
  Stored after = readSealed(path, 1);
  CHECK(after.in_clear == 0);
  CHECK(after.other_key == 0);
  CHECK(after.values == clear);
  CHECK(unreadableSealedValues() == 0);
}

TEST_CASE("a rotation moves every sealed value to the new key and destroys the old", "[at_rest]") {
  test::TempDir t("rotate");
  const std::string path = (t.dir / "hub.db").string();
  Values clear = writeClearDatabase(path, 17);
  MetricsRegistry metrics;
  routing::PolicyJobs jobs{envelope::outboundBodies()};
  auto store = openStore(path, metrics, jobs);
  REQUIRE(walkUntilDone(*store, 1, 64));
  auto rotated = rotateDataKeyAt(path, kek(), "2026-12-02T00:00:00Z");
  REQUIRE(rotated.isOk());
  CHECK(rotated.value() == 2u);
  REQUIRE(walkUntilDone(*store, 2, 4));
  store->stop();
  Stored after = readSealed(path, 2);
  CHECK(after.in_clear == 0);
  CHECK(after.other_key == 0);
  CHECK(after.values == clear);
  auto report = dataKeyReport(path, kek());
  REQUIRE(report.isOk());
  REQUIRE(report.value().keys.size() == 2);
  CHECK(report.value().keys[0].state == "destroyed");
  CHECK(report.value().keys[1].state == "active");
  // The destroyed key's wrapped bytes are gone from the table.
  auto db = Db::open(path, true);
  REQUIRE(db.isOk());
  auto st = db.value().prepare("SELECT count(*) FROM data_keys WHERE wrapped IS NULL");
  REQUIRE(st.step() == SQLITE_ROW);
  CHECK(st.int64(0) == 1);
}

TEST_CASE("a wrong key-encryption key is named at open, and rotation refuses it", "[at_rest]") {
  test::TempDir t("wrongkek");
  const std::string path = (t.dir / "hub.db").string();
  writeClearDatabase(path, 1);
  MetricsRegistry metrics;
  routing::PolicyJobs jobs{envelope::outboundBodies()};
  openStore(path, metrics, jobs)->stop();
  auto other = security::KeyEncryptionKey::fromSecret(std::string(40, 'w'));
  StoreConfig config;
  config.path = path;
  MetricsRegistry metrics2;
  auto refused = SqliteStore::open(config, metrics2, "test-fingerprint", other, "x", jobs);
  REQUIRE_FALSE(refused.isOk());
  CHECK(refused.status().message().find("store.kek_file") != std::string::npos);
  CHECK_FALSE(rotateDataKeyAt(path, other, "x").isOk());
}
