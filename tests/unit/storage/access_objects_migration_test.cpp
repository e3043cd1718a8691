// The access record's index by item and exchange (access_objects): records stored before the
// migration that made it are indexed by it, by the same rule the writer uses for new ones
// (accessObjects in hub/core/access_record.h), so an item's record read through the index shows
// its old reads too.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "hub/storage/access_rows.h"
#include "hub/storage/migrations.h"
#include "hub/storage/sqlite_db.h"

using namespace xj;
using namespace xj::storage;

namespace {

struct TempDb {
  std::filesystem::path dir;
  Db db;
  TempDb() {
    dir = std::filesystem::temp_directory_path() / ("xj-accessmig-" + std::to_string(::getpid()));
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
  void record(int seq, const std::string& endpoint, const std::string& objects) {
    auto st = db.prepare(
        "INSERT INTO access_log VALUES (?1, '2026-12-07T09:00:00.000Z', 't', 'o', 'staff', "
        "'read', ?2, ?3, '', '', 'c')");
    st.bind(1, static_cast<int64_t>(seq)).bind(2, endpoint).bind(3, objects);
    REQUIRE(st.step() == SQLITE_DONE);
  }
  std::vector<int64_t> seqsOf(const std::string& kind, int64_t id) {
    auto rows = readAccessOf(db, AccessQuery{kind, id, 0, 100});
    REQUIRE(rows);
    std::vector<int64_t> out;
    for (const auto& r : *rows) out.push_back(r.seq);
    return out;
  }
};

}  // namespace

TEST_CASE("the access_objects migration indexes the records stored before it",
          "[storage][migration][audit]") {
  TempDb t;
  REQUIRE(migrate(t.db, 19).isOk());  // the schema before access_objects
  t.record(1, "GET /v1/queues/{queue}/items/{item}", "queue=township-451229205 item=12");
  t.record(2, "GET /v1/exchanges/{id}", "id=ex-5");
  t.record(3, "GET /v1/messages/{id}", "id=12");  // a message id: neither item nor exchange
  t.record(4, "POST /v1/queues/{queue}/items/{item}/claim", "queue=q item=12");
  t.record(5, "GET /v1/exchanges/{id}", "id=7");
  REQUIRE(migrate(t.db).isOk());

  CHECK(t.seqsOf("item", 12) == std::vector<int64_t>{4, 1});  // newest first
  CHECK(t.seqsOf("exchange", 5) == std::vector<int64_t>{2});
  CHECK(t.seqsOf("exchange", 7) == std::vector<int64_t>{5});
  auto st = t.db.prepare("SELECT count(*) FROM access_objects");
  REQUIRE(st.step() == SQLITE_ROW);
  CHECK(st.int64(0) == 4);
}
