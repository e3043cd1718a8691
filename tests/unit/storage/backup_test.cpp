// The backup manifest (hub/storage/backup_manifest.h), and the backup, its check and its restore
// (hub/storage/backup.h) on a small real database: each refusal says why and changes nothing.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "config/backup_manifest.h"
#include "hub/security/field_cipher.h"
#include "hub/storage/backup.h"
#include "hub/storage/data_keys.h"
#include "hub/storage/db_lock.h"
#include "hub/storage/migrations.h"
#include "hub/storage/sqlite_db.h"
#include "tests/support/temp_dir.h"

using namespace xj;
using namespace xj::storage;

namespace {

BackupManifest sample() {
  BackupManifest m;
  m.created_at = "2026-12-07T23:30:00Z";
  m.hub_version = "0.1.0";
  m.schema_version = 22;
  m.last_hub_seq = 1234;
  m.rows = {{"messages", 1234}, {"items", 1200}, {"exchanges", 7}, {"outbox", 30}};
  m.file_bytes = 409600;
  m.sha256 = std::string(64, 'a');
  m.data_keys = {2, 3};
  m.kek_fingerprints = {"f00d"};
  m.person_key_fingerprint = "beef";
  return m;
}

std::string bytesOf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A database as a hub leaves it: migrated, with its data key and three messages.
void makeDatabase(const std::string& path, const security::KeyEncryptionKey& kek) {
  auto db = Db::open(path, false);
  REQUIRE(db.isOk());
  REQUIRE(migrate(db.value()).isOk());
  REQUIRE(ensureDataKey(db.value(), kek, "2026-12-07T00:00:00Z").isOk());
  for (int i = 1; i <= 3; ++i)
    REQUIRE(db.value()
                .exec("INSERT INTO messages(source, message_id, kind, township, occurred_at, "
                      "received_at, status, body_hash, payload) VALUES('s', 'm" +
                      std::to_string(i) + "', 'ticket', 't', 'x', 'x', 'accepted', 'h', X'00')")
                .isOk());
}

}  // namespace

TEST_CASE("a backup manifest reads back as written", "[backup]") {
  BackupManifest m = sample();
  auto back = parseManifest(manifestToJson(m));
  REQUIRE(back.isOk());
  const BackupManifest& b = back.value();
  CHECK(b.created_at == m.created_at);
  CHECK(b.hub_version == m.hub_version);
  CHECK(b.schema_version == 22);
  CHECK(b.last_hub_seq == 1234);
  CHECK(b.rows == m.rows);
  CHECK(b.file_bytes == 409600);
  CHECK(b.sha256 == m.sha256);
  CHECK(b.data_keys == m.data_keys);
  CHECK(b.kek_fingerprints == m.kek_fingerprints);
  CHECK(b.person_key_fingerprint == "beef");
  CHECK(manifestPathFor("/b/x.db") == "/b/x.db.manifest.json");
}

TEST_CASE("a manifest that is not one is refused, naming the field", "[backup]") {
  CHECK(!parseManifest("not json").isOk());
  CHECK(!parseManifest("[]").isOk());
  std::string text = manifestToJson(sample());
  auto without_sha = text;
  without_sha.replace(without_sha.find("\"sha256\""), 8, "\"sha-256\"");
  auto r = parseManifest(without_sha);
  REQUIRE(!r.isOk());
  CHECK(r.status().message().find("sha256") != std::string::npos);
  auto newer = text;
  newer.replace(newer.find("\"format\": 1"), 11, "\"format\": 2");
  r = parseManifest(newer);
  REQUIRE(!r.isOk());
  CHECK(r.status().message().find("format 2") != std::string::npos);
  auto bad_rows = text;
  bad_rows.replace(bad_rows.find("\"messages\": 1234"), 16, "\"messages\": \"x\"");
  CHECK(!parseManifest(bad_rows).isOk());
}

TEST_CASE("backup, check and restore of a database, and each refusal", "[backup]") {
  test::TempDir t("backup");
  const std::string dir = t.dir.string();
  auto kek = security::KeyEncryptionKey::fromSecret(std::string(32, 'k'));
  auto other = security::KeyEncryptionKey::fromSecret(std::string(32, 'o'));
  makeDatabase(dir + "/hub.db", kek);
  auto m = takeBackup(dir + "/hub.db", dir + "/b.db", "2026-12-07T23:30:00Z");
  REQUIRE(m.isOk());
  CHECK(m.value().rows.at("messages") == 3);
  CHECK(m.value().last_hub_seq == 3);
  CHECK(m.value().schema_version == latestSchemaVersion());
  CHECK(m.value().data_keys == std::vector<uint32_t>{1});
  CHECK(m.value().kek_fingerprints == std::vector<std::string>{kek.fingerprint()});
  CHECK(std::filesystem::exists(dir + "/b.db.manifest.json"));
  CHECK(!std::filesystem::exists(dir + "/b.db.tmp"));
  REQUIRE(checkBackup(dir + "/b.db", kek).isOk());

  SECTION("a wrong key-encryption key is named, with the one it needs") {
    auto r = checkBackup(dir + "/b.db", other);
    REQUIRE(!r.isOk());
    CHECK(r.status().message().find("needs the key with fingerprint " + kek.fingerprint()) !=
          std::string::npos);
  }
  SECTION("a flipped byte is refused, and restore leaves the database as it was") {
    std::string b = bytesOf(dir + "/b.db");
    b[b.size() / 2] ^= 1;
    std::ofstream(dir + "/b.db", std::ios::binary | std::ios::trunc) << b;
    auto r = restoreBackup(dir + "/b.db", dir + "/hub.db", kek, "", "20261208T000000Z");
    REQUIRE(!r.isOk());
    CHECK(r.status().message().find("does not match its manifest") != std::string::npos);
    CHECK(std::filesystem::exists(dir + "/hub.db"));
    CHECK(!std::filesystem::exists(dir + "/hub.db.before-restore-20261208T000000Z"));
  }
  SECTION("restore refuses while the database's lock is held") {
    auto held = DbLock::take(dir + "/hub.db");
    REQUIRE(held.isOk());
    auto r = restoreBackup(dir + "/b.db", dir + "/hub.db", kek, "", "20261208T000000Z");
    REQUIRE(!r.isOk());
    CHECK(r.status().code() == StatusCode::kConflict);
  }
  SECTION("restore sets the database aside and puts the copy in its place") {
    auto r = restoreBackup(dir + "/b.db", dir + "/hub.db", kek, "", "20261208T000000Z");
    REQUIRE(r.isOk());
    CHECK(r.value().set_aside == dir + "/hub.db.before-restore-20261208T000000Z");
    CHECK(std::filesystem::exists(r.value().set_aside));
    CHECK(bytesOf(dir + "/hub.db") == bytesOf(dir + "/b.db"));
    CHECK(!std::filesystem::exists(dir + "/hub.db-wal"));
  }
  SECTION("a backup to a directory that does not exist writes nothing") {
    auto r = takeBackup(dir + "/hub.db", dir + "/none/b.db", "2026-12-07T23:30:00Z");
    CHECK(!r.isOk());
  }
}
