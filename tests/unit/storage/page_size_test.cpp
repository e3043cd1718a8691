// New databases use 2,048-byte pages (hub/storage/sqlite_db.cpp: half of what a commit writes
// to the WAL is pages dirtied by a single random insert, copied whole); a database an older build
// made with 4,096-byte pages keeps them (SQLite cannot change it in WAL mode) and still migrates
// and works.
#include <catch2/catch.hpp>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "tests/support/temp_dir.h"
#include "hub/storage/migrations.h"
#include "hub/storage/sqlite_db.h"

using namespace xj::storage;

namespace {


int64_t pageSize(Db& db) {
  auto st = db.prepare("PRAGMA page_size");
  REQUIRE(st.step() == SQLITE_ROW);
  return st.int64(0);
}

}  // namespace

TEST_CASE("a new database gets 2,048-byte pages; an existing one keeps its own", "[storage]") {
  xj::test::TempDir t("pagesize");
  SECTION("new") {
    auto db = Db::open((t.dir / "new.db").string(), false);
    REQUIRE(db.isOk());
    REQUIRE(migrate(db.value()).isOk());
    CHECK(pageSize(db.value()) == 2048);
  }
  SECTION("existing, made with 4,096-byte pages in WAL mode") {
    const std::string path = (t.dir / "old.db").string();
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "PRAGMA page_size=4096; PRAGMA journal_mode=WAL; "
                              "CREATE TABLE older(a); INSERT INTO older VALUES (1);",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
    auto db = Db::open(path, false);
    REQUIRE(db.isOk());
    REQUIRE(migrate(db.value()).isOk());
    CHECK(pageSize(db.value()) == 4096);
    REQUIRE(db.value().exec("INSERT INTO older VALUES (2)").isOk());
    auto st = db.value().prepare("SELECT count(*) FROM older");
    REQUIRE(st.step() == SQLITE_ROW);
    CHECK(st.int64(0) == 2);
  }
}
