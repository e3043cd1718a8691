// Personal data encrypted at rest, from outside: a name, an ID number and a phone sent to the
// real daemon are found in none of the database file, its WAL, a copy of them or a backup, while
// the API still answers them; and `xianjie key rotate` while messages keep arriving loses and
// corrupts nothing: every message stored opens under the new key and the old key is destroyed.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/test_env.h"

using namespace xj::test;

namespace {

// Synthetic person (the ID number passes GB 11643): values that occur nowhere else.
const std::string kName = "韦秀英";
const std::string kId = "451229196102150348";
const std::string kPhone = "13977123456";

std::string ticket(const std::string& id) {
  return R"({"id":")" + id +
         R"(","kind":"ticket","source":"hotline-1","occurred_at":"2026-11-10T09:30:00+08:00",)"
         R"("subject":{"name":")" +
         kName + R"(","id_number":")" + kId + R"(","phone":")" + kPhone +
         R"(","township":"451229205","village":"测试村"},"body":{"caller":{"relation":"self"},)"
         R"("category":"dibao","urgency":"high","description":")" +
         kName + R"(独居，无收入来源"}})";
}

// A ticket of one of many distinct people (the rotation test's load).
std::string someone(int i) {
  return R"({"id":"load-)" + std::to_string(i) +
         R"(","kind":"ticket","source":"hotline-1","occurred_at":"2026-11-10T09:30:00+08:00",)"
         R"("subject":{"name":"测试)" +
         std::to_string(i) +
         R"(","township":"451229205"},"body":{"caller":{"relation":"self"},"category":"dibao",)"
         R"("urgency":"normal","description":"第)" +
         std::to_string(i) + R"(号来电"}})";
}

std::map<std::string, std::string> auth(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

std::string bytesOf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Which of the three values the file holds, by name (never the value: test output stays clean).
std::vector<std::string> personalDataIn(const std::string& path) {
  std::string b = bytesOf(path);
  std::vector<std::string> found;
  if (b.find(kName) != std::string::npos) found.push_back("name");
  if (b.find(kId) != std::string::npos) found.push_back("ID number");
  if (b.find(kPhone) != std::string::npos) found.push_back("phone");
  return found;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

template <typename F>
bool waitFor(F&& done, int seconds) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

}  // namespace

TEST_CASE("no name, ID number or phone in the database, its WAL, a copy or a backup", "[at_rest]") {
  Daemon d;
  std::string hotline = d.token("hotline-1", "hotline");
  std::string staff = d.token("jiangnan", "staff", {"451229205"});
  d.start();
  auto r = httpRequest(d.port(), "POST", "/v1/tickets", ticket("at-rest-1"), auth(hotline));
  REQUIRE(r.status == 202);
  // A staff note naming the person, and a second message from the same person.
  std::string item =
      trim(d.sql("SELECT i.item_id FROM items i JOIN messages m ON m.hub_seq = i.hub_seq WHERE "
                 "m.message_id='at-rest-1' LIMIT 1"));
  REQUIRE(!item.empty());
  std::string queue = trim(d.sql("SELECT queue FROM items WHERE item_id=" + item));
  auto note =
      httpRequest(d.port(), "POST", "/v1/queues/" + queue + "/items/" + item + "/notes",
                  R"({"text":")" + kName + R"(本人来电，电话)" + kPhone + R"("})", auth(staff));
  REQUIRE(note.status == 200);
  REQUIRE(httpRequest(d.port(), "POST", "/v1/tickets", ticket("at-rest-2"), auth(hotline)).status ==
          202);

  // The API still gives them to whoever may read them (the test would prove nothing otherwise).
  auto back = httpRequest(d.port(), "GET", "/v1/messages/at-rest-1", "", auth(hotline));
  REQUIRE(back.status == 200);
  CHECK(back.body.find(kName) != std::string::npos);
  CHECK(back.body.find(kId) != std::string::npos);
  auto page =
      httpRequest(d.port(), "GET", "/v1/queues/" + queue + "/items/" + item, "", auth(staff));
  REQUIRE(page.status == 200);
  CHECK(page.body.find(kName + "本人来电") != std::string::npos);

  // While the hub runs: the file, its WAL, a copy of both, and a backup through SQLite.
  const std::string db = d.dbPath();
  REQUIRE(std::filesystem::exists(db + "-wal"));
  const std::string copy = d.dir() + "/copy";
  std::filesystem::create_directories(copy);
  std::filesystem::copy_file(db, copy + "/hub.db");
  std::filesystem::copy_file(db + "-wal", copy + "/hub.db-wal");
  d.sql(".backup '" + d.dir() + "/backup.db'");
  for (const auto& file :
       {db, db + "-wal", copy + "/hub.db", copy + "/hub.db-wal", d.dir() + "/backup.db"}) {
    INFO(file);
    CHECK(std::filesystem::file_size(file) > 0);
    CHECK(personalDataIn(file).empty());
  }
  // The copy opened by SQLite holds the messages: ciphertext, not nothing.
  CHECK(trim(runCommand("sqlite3 '" + copy +
                        "/hub.db' \"SELECT count(*) FROM messages WHERE "
                        "typeof(payload) = 'blob'\"")) == "2");
  // After a clean stop (the WAL checkpointed into the file): still none.
  REQUIRE(d.terminate() == 0);
  for (const auto& file : {db, db + "-wal"}) {
    INFO(file);
    if (std::filesystem::exists(file)) CHECK(personalDataIn(file).empty());
  }
}

TEST_CASE("key rotation under load loses and corrupts nothing", "[at_rest]") {
  Daemon d("\"key_walk_rows\": 40");
  std::string hotline = d.token("hotline-1", "hotline");
  d.start();
  int sent = 0;
  for (; sent < 300; ++sent)
    REQUIRE(httpRequest(d.port(), "POST", "/v1/tickets", someone(sent), auth(hotline)).status ==
            202);
  // Messages keep coming while the key changes and the walk re-encrypts.
  std::atomic<bool> stop{false};
  std::atomic<int> refused{0};
  std::atomic<int> more{0};
  std::thread load([&] {
    while (!stop.load()) {
      int i = 300 + more.load();
      if (httpRequest(d.port(), "POST", "/v1/tickets", someone(i), auth(hotline)).status != 202)
        ++refused;
      ++more;
    }
  });
  int code = -1;
  std::string out =
      runCommand(std::string(XJ_CLI) + " key rotate --config " + d.configPath() + " 2>&1", &code);
  INFO(out);
  CHECK(code == 0);
  CHECK(out.find("data key 2 is active") != std::string::npos);
  std::string status;
  bool done = waitFor(
      [&] {
        status =
            runCommand(std::string(XJ_CLI) + " key status --config " + d.configPath() + " 2>&1");
        return status.find("walk: done") != std::string::npos &&
               status.find("destroyed") != std::string::npos;
      },
      60);
  // Some more messages after the walk, then stop the load.
  int at_done = more.load();
  waitFor([&] { return more.load() >= at_done + 20; }, 20);
  stop = true;
  load.join();
  INFO(status);
  REQUIRE(done);
  CHECK(refused.load() == 0);
  sent += more.load();

  // Every message is there, sealed under key 2, and opens to what was sent.
  CHECK(trim(d.sql("SELECT count(*) FROM messages")) == std::to_string(sent));
  CHECK(trim(d.sql("SELECT count(*) FROM messages WHERE typeof(payload) != 'blob' OR "
                   "substr(payload, 4, 4) != X'00000002'")) == "0");
  CHECK(trim(d.openedSql("SELECT count(*) FROM messages WHERE json_extract(xj_open(payload, "
                         "'message.payload'), '$.id') = message_id")) == std::to_string(sent));
  for (int i : {0, 150, 299, sent - 1}) {
    auto r =
        httpRequest(d.port(), "GET", "/v1/messages/load-" + std::to_string(i), "", auth(hotline));
    REQUIRE(r.status == 200);
    CHECK(r.body.find("第" + std::to_string(i) + "号来电") != std::string::npos);
  }
  auto metrics = httpRequest(d.port(), "GET", "/metrics", "", {});
  CHECK(metrics.body.find("xianjie_store_data_key_active 2") != std::string::npos);
  CHECK(metrics.body.find("xianjie_store_unreadable_sealed_values 0") != std::string::npos);
  CHECK(d.log().find("data_key_destroyed") != std::string::npos);
  REQUIRE(d.terminate() == 0);
  // And after a restart, with only key 2 left.
  d.start();
  auto r = httpRequest(d.port(), "GET", "/v1/messages/load-7", "", auth(hotline));
  REQUIRE(r.status == 200);
  CHECK(r.body.find("第7号来电") != std::string::npos);
}
