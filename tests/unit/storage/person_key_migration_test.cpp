// Migration 16: person keys stored as 32-byte BLOBs instead of 64 hex
// characters, and person_households folded into persons. A database as the previous build left
// it (schema 15, hex keys, both tables) is migrated on a real SQLite file, and the store's own
// transaction then works on it as before: the people it knew are still known, their open items
// still found by ID number and by phone, their household's pre-screen still carried, their
// category still read, and keys come back out as the same hex text.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "hub/storage/migrations.h"
#include "hub/storage/sqlite_db.h"
#include "hub/storage/sqlite_work_transaction.h"

using namespace xj;
using namespace xj::storage;

namespace {

struct TempDb {
  std::filesystem::path dir;
  Db db;
  TempDb() {
    dir = std::filesystem::temp_directory_path() / ("xj-keymig-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto opened = Db::open((dir / "hub.db").string(), false);
    REQUIRE(opened.isOk());
    db = std::move(opened).value();
  }
  ~TempDb() {
    db.close();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  int64_t count(const std::string& sql) {
    auto st = db.prepare(sql);
    REQUIRE(st.step() == SQLITE_ROW);
    return st.int64(0);
  }
};

// Keys as HmacPersonKeyer makes them (64 lower-case hex characters); their values are made up.
const std::string kKnown = std::string(62, 'a') + "01";      // an ID number key
const std::string kMember = std::string(62, 'b') + "02";     // a household member's
const std::string kPhone = std::string(62, 'c') + "03";      // a phone key
const std::string kHouseholdOnly = std::string(62, 'd') + "04";  // only in person_households
const std::string kNotHex = "not-a-hex-key";                 // kept as it is

}  // namespace

TEST_CASE("migration 16 converts hex person keys to bytes and folds in person_households",
          "[storage][migration]") {
  TempDb t;
  REQUIRE(migrate(t.db, 15).isOk());
  // The rows schema 15 held, written as the previous build wrote them (hex text).
  REQUIRE(t.db.exec("INSERT INTO persons(id_key, first_hub_seq) VALUES ('" + kKnown + "', 1), ('" +
                    kMember + "', 2), ('" + kNotHex + "', 3);"
                    "INSERT INTO person_households(id_key, hub_seq) VALUES ('" + kKnown +
                    "', 2), ('" + kMember + "', 2), ('" + kHouseholdOnly + "', 2);"
                    "INSERT INTO messages(hub_seq, source, message_id, kind, township, "
                    "occurred_at, received_at, status, body_hash, payload) VALUES "
                    "(1, 'hotline', 'm1', 'ticket', '451229205', 't', 't', 'routed', 'h', '{}'),"
                    "(3, 'hotline', 'm3', 'ticket', '451229205', 't', 't', 'routed', 'h', '{}');"
                    "INSERT INTO prescreens(hub_seq, category, tags, rule_set_version, decision) "
                    "VALUES (2, 'dibao', 'a,b', 'v1', '{\"d\":1}');"
                    "INSERT INTO items(item_id, queue, item_kind, hub_seq, kind, township, "
                    "category, state, phone_key, id_key, created_at, updated_at) VALUES "
                    "(10, 'township-451229205', 'case', 1, 'ticket', '451229205', 'dibao', "
                    "'new', '" + kPhone + "', '" + kKnown + "', '2026-11-30T01:00:00.000Z', "
                    "'2026-11-30T01:00:00.000Z'),"
                    "(11, 'township-451229205', 'case', 3, 'ticket', '451229205', 'dibao', "
                    "'new', '', '', '2026-11-30T01:00:00.000Z', '2026-11-30T01:00:00.000Z');"
                    "INSERT INTO person_categories(id_key, category, since, item_id, updated_at) "
                    "VALUES ('" + kKnown + "', 'dibao', '2026-11-30', 10, "
                    "'2026-11-30T01:00:00.000Z');")
              .isOk());

  REQUIRE(migrate(t.db).isOk());
  CHECK(t.count("PRAGMA user_version") == latestSchemaVersion());
  CHECK(t.count("SELECT count(*) FROM sqlite_master WHERE name='person_households'") == 0);
  // One row per person; the keys the keyer made are 32 bytes now, any other value unchanged.
  CHECK(t.count("SELECT count(*) FROM persons") == 4);
  CHECK(t.count("SELECT count(*) FROM persons WHERE typeof(id_key)='blob' AND "
                "length(id_key)=32") == 3);
  CHECK(t.count("SELECT count(*) FROM persons WHERE id_key='" + kNotHex + "'") == 1);
  CHECK(t.count("SELECT first_hub_seq FROM persons WHERE hex(id_key)=upper('" + kKnown + "')") ==
        1);
  CHECK(t.count("SELECT household_seq FROM persons WHERE hex(id_key)=upper('" + kKnown + "')") ==
        2);
  CHECK(t.count("SELECT first_hub_seq FROM persons WHERE hex(id_key)=upper('" + kHouseholdOnly +
                "')") == 2);
  CHECK(t.count("SELECT household_seq IS NULL FROM persons WHERE id_key='" + kNotHex + "'") == 1);
  CHECK(t.count("SELECT count(*) FROM items WHERE typeof(id_key)='blob' AND "
                "typeof(phone_key)='blob'") == 1);
  CHECK(t.count("SELECT count(*) FROM items WHERE id_key='' AND phone_key=''") == 1);
  CHECK(t.count("SELECT count(*) FROM person_categories WHERE typeof(id_key)='blob'") == 1);

  // The store's transaction on the migrated rows, with the keys as the domain holds them.
  REQUIRE(t.db.exec("BEGIN IMMEDIATE").isOk());
  SqliteWorkTransaction tx(t.db);
  SECTION("people known before are still known; new ones are not") {
    auto known = tx.rememberPerson(kKnown, 20);
    REQUIRE(known.isOk());
    CHECK_FALSE(known.value());
    auto household_only = tx.rememberPerson(kHouseholdOnly, 20);
    REQUIRE(household_only.isOk());
    CHECK_FALSE(household_only.value());
    auto other = tx.rememberPerson(kNotHex, 20);
    REQUIRE(other.isOk());
    CHECK_FALSE(other.value());
    auto fresh = tx.rememberPerson(std::string(62, 'e') + "05", 20);
    REQUIRE(fresh.isOk());
    CHECK(fresh.value());
  }
  SECTION("open items are found by ID number key and by phone key") {
    for (auto [type, key] : {std::pair{PersonKey::kIdNumber, kKnown},
                             std::pair{PersonKey::kPhone, kPhone}}) {
      auto found = tx.findOpenItem({type, key, ItemKind::kCase, MessageKind::kTicket, ""});
      REQUIRE(found.isOk());
      REQUIRE(found.value());
      CHECK(*found.value() == 10);
    }
    auto none = tx.findOpenItem(
        {PersonKey::kIdNumber, kMember, ItemKind::kCase, MessageKind::kTicket, ""});
    REQUIRE(none.isOk());
    CHECK_FALSE(none.value());
  }
  SECTION("keys come back out as the same hex text") {
    auto who = tx.itemPerson(10);
    REQUIRE(who.isOk());
    CHECK(who.value().id_key == kKnown);
    auto category = tx.personCategory(kKnown);
    REQUIRE(category.isOk());
    REQUIRE(category.value());
    CHECK(category.value()->id_key == kKnown);
    CHECK(category.value()->category == "dibao");
    auto nobody = tx.itemPerson(11);
    REQUIRE(nobody.isOk());
    CHECK(nobody.value().id_key.empty());
  }
  SECTION("a household's pre-screen is still carried to a later signal about a member") {
    REQUIRE(tx.carryPrescreen(30, kMember).isOk());
    CHECK(t.count("SELECT carried_from FROM prescreens WHERE hub_seq=30") == 2);
    REQUIRE(tx.carryPrescreen(31, kNotHex).isOk());  // known, but no household described
    CHECK(t.count("SELECT count(*) FROM prescreens WHERE hub_seq=31") == 0);
  }
  SECTION("a new household keeps the person's first message and moves the household") {
    REQUIRE(tx.rememberHousehold(kKnown, 40).isOk());
    REQUIRE(tx.carryPrescreen(41, kKnown).isOk());
    CHECK(t.count("SELECT count(*) FROM prescreens WHERE hub_seq=41") == 0);  // 40 has none
    CHECK(t.count("SELECT first_hub_seq FROM persons WHERE hex(id_key)=upper('" + kKnown +
                  "')") == 1);
    CHECK(t.count("SELECT household_seq FROM persons WHERE hex(id_key)=upper('" + kKnown +
                  "')") == 40);
  }
  REQUIRE(t.db.exec("ROLLBACK").isOk());
}
