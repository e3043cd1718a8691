// Every statement the store prepares for the write path and for staff reads (the registry in
// hub/storage/statements.h) uses an index: EXPLAIN QUERY PLAN on each, against a freshly
// migrated database, must show no full scan of a table that grows with use. Once, the
// repeat-call lookup `(phone_key=?1 AND ?1 != '') OR (id_key=?2 AND ?2 != '')` planned as
// `SCAN items` and made every ingest cost O(items).
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "hub/security/field_cipher.h"
#include "hub/storage/migrations.h"
#include "hub/storage/sqlite_db.h"
#include "hub/storage/statements.h"

using namespace xj::storage;

namespace {

// Tables that stay small whatever the traffic (configuration); every other table, including
// any added later, counts as growing.
// exchange_state_counts holds one row per exchange state (kept by triggers).
// data_keys holds one row per data key ever made; key_walk one row.
const std::set<std::string> kSmallTables = {"tokens", "exchange_state_counts", "data_keys",
                                            "key_walk"};

// The statements that read inside a sealed payload need xj_open on the connection.
const xj::security::FieldCipher& testCipher() {
  static xj::security::FieldCipher cipher;
  static bool once = [] {
    cipher.install({{1, xj::security::FieldCipher::newDataKey()}}, 1);
    return true;
  }();
  (void)once;
  return cipher;
}

struct TempDb {
  std::filesystem::path dir;
  Db db;
  TempDb() {
    dir = std::filesystem::temp_directory_path() /
          ("xj-plan-" + std::to_string(::getpid()) + "-" + std::to_string(++counter()));
    std::filesystem::create_directories(dir);
    auto opened = Db::open((dir / "hub.db").string(), false);
    REQUIRE(opened.isOk());
    db = std::move(opened).value();
    REQUIRE(migrate(db).isOk());
    REQUIRE(db.setCipher(&testCipher()).isOk());
  }
  ~TempDb() {
    db.close();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

std::set<std::string> partialIndexes(Db& db) {
  std::set<std::string> out;
  auto st =
      db.prepare("SELECT name FROM sqlite_master WHERE type='index' AND sql LIKE '% WHERE %'");
  while (st.step() == SQLITE_ROW) out.insert(st.text(0));
  return out;
}

std::vector<std::string> plan(Db& db, const std::string& sql) {
  auto st = db.prepare("EXPLAIN QUERY PLAN " + sql);
  REQUIRE(st.valid());  // a statement that does not prepare against the schema is a failure too
  std::vector<std::string> rows;
  while (st.step() == SQLITE_ROW) rows.push_back(st.text(3));
  return rows;
}

// The plan lines that read a growing table in full: `SCAN t` with no index, or `SCAN t USING
// [COVERING] INDEX i` where i is a full index (the same O(rows) walk). A scan of a partial index
// over open work (`WHERE state != 'resolved'`) is bounded by the open work, not by history.
std::vector<std::string> fullScans(Db& db, const std::string& sql) {
  auto partial = partialIndexes(db);
  std::vector<std::string> bad;
  for (const auto& line : plan(db, sql)) {
    if (line.rfind("SCAN ", 0) != 0) continue;
    std::string rest = line.substr(5);
    std::string table = rest.substr(0, rest.find(' '));
    if (table == "CONSTANT" || kSmallTables.count(table)) continue;
    auto using_index = rest.find("INDEX ");
    if (using_index != std::string::npos) {
      std::string index = rest.substr(using_index + 6);
      index = index.substr(0, index.find(' '));
      if (partial.count(index)) continue;
    }
    bad.push_back(line);
  }
  return bad;
}

}  // namespace

TEST_CASE("every registered statement prepares and uses an index on growing tables",
          "[storage][plan]") {
  TempDb t;
  auto all = allStatements();
  REQUIRE(all.size() >= static_cast<size_t>(Sql::kCount));
  for (const auto& s : all) {
    INFO(s.name << ": " << s.sql);
    auto scans = fullScans(t.db, s.sql);
    std::string plan;  // one INFO in this scope, so that a failure prints the scanning lines
    for (const auto& line : scans) plan += "\n  " + line;
    INFO("full scans:" << plan);
    CHECK(scans.empty());
  }
}

TEST_CASE("the plan check catches the lookups that once scanned", "[storage][plan]") {
  TempDb t;
  // The statements as they were: an OR across two partial indexes, and a partial index whose
  // `id_key != ''` term the query did not carry. Both must be caught, or the check above
  // proves nothing.
  const std::string old_repeat =
      "SELECT item_id, queue FROM items WHERE item_kind='case' AND kind='ticket' AND state != "
      "'resolved' AND created_at >= ?3 AND ((phone_key=?1 AND ?1 != '') OR (id_key=?2 AND ?2 != "
      "'')) ORDER BY item_id LIMIT 1";
  const std::string old_alert =
      "SELECT item_id, queue FROM items WHERE item_kind='risk_alert' AND state != 'resolved' AND "
      "id_key=?1 ORDER BY item_id LIMIT 1";
  const std::string old_overdue_counts =
      "SELECT queue, township, count(*) FROM items WHERE overdue=1 GROUP BY queue, township";
  // Against the schema as it was then: migration 10's items_created (the township report) lets
  // the planner read the old repeat lookup's `created_at >= ?3` as a range, hiding the OR's scan.
  REQUIRE(t.db.exec("DROP INDEX items_created").isOk());
  CHECK(fullScans(t.db, old_repeat) == std::vector<std::string>{"SCAN items"});
  CHECK(fullScans(t.db, old_alert) == std::vector<std::string>{"SCAN items"});
  CHECK_FALSE(fullScans(t.db, old_overdue_counts).empty());
  // And the registry's replacements plan as index searches.
  for (Sql id : {Sql::kFindOpenItemById, Sql::kFindOpenItemByPhone}) {
    auto p = plan(t.db, std::string(sqlText(id)));
    REQUIRE(!p.empty());
    CHECK(p[0].rfind("SEARCH items USING INDEX items_open_", 0) == 0);
  }
}
