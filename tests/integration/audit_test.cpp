// The access record, end to end: a caseworker's read of an item is found by `xianjie audit
// query --person` (from the ID number, which it never prints), with the endpoint and the stated
// purpose; a change is recorded as one; `audit verify` passes on the untouched table and names
// the seq of a record edited or removed with sqlite3.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "tests/integration/messages.h"
#include "tests/support/child_process.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"

using namespace xj::test;

namespace {

const std::string kIdNumber = "451229195703081312";  // ticketJson's subject (synthetic)
const std::string kOtherId = "45122919800101002X";   // nobody's item here (synthetic)
const std::string kItemRoute = "GET /v1/queues/{queue}/items/{item}";

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string audit(const Daemon& d, const std::string& args, int* rc) {
  return runCommand(
      std::string(XJ_CLI) + " audit " + args + " --config '" + d.configPath() + "' 2>&1", rc);
}

// The records are written by the hub's writer a moment after the answer: wait for `text`.
std::string queryUntil(const Daemon& d, const std::string& args, const std::string& text) {
  std::string out;
  for (int i = 0; i < 100; ++i) {
    int rc = 0;
    out = audit(d, "query " + args, &rc);
    REQUIRE(rc == 0);
    if (out.find(text) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return out;
}

}  // namespace

TEST_CASE("a caseworker's read is in the access record, and tampering is found", "[audit]") {
  Daemon d;
  const std::string hotline = d.token("hotline-1", "hotline");
  const std::string caseworker = d.token("jiangnan-team", "staff", {"451229205"});
  d.start();
  auto as = [](const std::string& token) {
    return std::map<std::string, std::string>{{"Authorization", "Bearer " + token},
                                              {"Content-Type", "application/json"}};
  };
  REQUIRE(
      httpRequest(d.port(), "POST", "/v1/tickets", ticketJson("audit-1", "hotline-1"), as(hotline))
          .status == 202);
  const std::string item =
      trim(d.sql("SELECT item_id FROM items WHERE queue='township-451229205'"));
  REQUIRE(!item.empty());
  const std::string path = "/v1/queues/township-451229205/items/" + item;

  auto headers = as(caseworker);
  headers["X-Purpose"] = "home visit planning";
  REQUIRE(httpRequest(d.port(), "GET", path, "", headers).status == 200);
  REQUIRE(httpRequest(d.port(), "POST", path + "/claim", "{}", as(caseworker)).status == 200);
  // The hotline reads back its own ticket: a read of the person's message, found by --person too.
  REQUIRE(httpRequest(d.port(), "GET", "/v1/messages/audit-1", "", as(hotline)).status == 200);
  // A refused read showed nothing: not recorded.
  REQUIRE(
      httpRequest(d.port(), "GET", "/v1/queues/township-451229205/items/999999", "", as(caseworker))
          .status == 404);

  const std::string found =
      queryUntil(d, "--person " + kIdNumber, "POST /v1/queues/{queue}/items/{item}/claim");
  CHECK(found.find(kItemRoute) != std::string::npos);
  CHECK(found.find("jiangnan-team") != std::string::npos);
  CHECK(found.find("home visit planning") != std::string::npos);
  CHECK(found.find("item=" + item) != std::string::npos);
  CHECK(found.find("change") != std::string::npos);
  CHECK(found.find("999999") == std::string::npos);
  CHECK(queryUntil(d, "--person " + kIdNumber, "GET /v1/messages/{id}")
            .find("GET /v1/messages/{id}") != std::string::npos);
  CHECK(found.find(kIdNumber) == std::string::npos);  // the number itself is never printed
  int rc = 0;
  const std::string other = audit(d, "query --person " + kOtherId, &rc);
  CHECK(rc == 0);
  CHECK(other.find(kItemRoute) == std::string::npos);
  CHECK(queryUntil(d, "--org jiangnan-team", kItemRoute).find(kItemRoute) != std::string::npos);
  CHECK(audit(d, "query --org hotline-1", &rc).find(kItemRoute) == std::string::npos);
  CHECK(audit(d, "query --person 123", &rc).find("123") == std::string::npos);  // refused quietly
  CHECK(rc == 2);

  // Four records in all (the message read, the item read and claim; the item list adds one).
  REQUIRE(httpRequest(d.port(), "GET", "/v1/queues/township-451229205/items", "", as(caseworker))
              .status == 200);
  queryUntil(d, "", "GET /v1/queues/{queue}/items ");
  CHECK(d.terminate() == 0);
  REQUIRE(trim(d.sql("SELECT count(*) FROM access_log")) == "4");
  CHECK(audit(d, "verify", &rc).find("ok, 4 records") != std::string::npos);
  CHECK(rc == 0);

  SECTION("an edited record is named") {
    d.sql("UPDATE access_log SET org='someone-else' WHERE seq=2");
    const std::string out = audit(d, "verify", &rc);
    CHECK(rc == 1);
    CHECK(out.find("seq 2") != std::string::npos);
  }
  SECTION("a removed record is found at the next") {
    d.sql("DELETE FROM access_log WHERE seq=2");
    const std::string out = audit(d, "verify", &rc);
    CHECK(rc == 1);
    CHECK(out.find("seq 3") != std::string::npos);
  }
}

TEST_CASE("GET /v1/audit: an item's or exchange's record for county admins, newest first",
          "[audit]") {
  Daemon d;
  const std::string hotline = d.token("hotline-1", "hotline");
  const std::string caseworker = d.token("jiangnan-team", "staff", {"451229205"});
  const std::string admin = d.token("bureau-admin", "admin");
  const std::string county = d.token("county-bureau", "staff");
  d.start();
  auto as = [](const std::string& token) {
    return std::map<std::string, std::string>{{"Authorization", "Bearer " + token},
                                              {"Content-Type", "application/json"}};
  };
  REQUIRE(
      httpRequest(d.port(), "POST", "/v1/tickets", ticketJson("audit-2", "hotline-1"), as(hotline))
          .status == 202);
  const std::string item =
      trim(d.sql("SELECT item_id FROM items WHERE queue='township-451229205'"));
  REQUIRE(!item.empty());
  const std::string path = "/v1/queues/township-451229205/items/" + item;
  auto headers = as(caseworker);
  headers["X-Purpose"] = "home visit planning";
  REQUIRE(httpRequest(d.port(), "GET", path, "", headers).status == 200);
  REQUIRE(httpRequest(d.port(), "POST", path + "/claim", "{}", as(caseworker)).status == 200);
  const auto exchange = httpRequest(
      d.port(), "POST", "/v1/exchanges",
      R"({"queue":"township-451229205","item":)" + item +
          R"(,"partner":"charity-demo","need":"food","consent":{"recorded":true,"by":"测试","at":"2025-03-10T10:00:00+08:00","method":"written"}})",
      as(caseworker));
  REQUIRE(exchange.status == 201);
  const std::string ex_id = [&] {
    auto p = exchange.body.find("\"id\":\"");
    REQUIRE(p != std::string::npos);
    p += 6;
    return exchange.body.substr(p, exchange.body.find('"', p) - p);
  }();
  REQUIRE(httpRequest(d.port(), "GET", "/v1/exchanges/" + ex_id, "", as(county)).status == 200);

  // The records arrive a moment after their answers: wait for the county staff's exchange read.
  std::string body;
  for (int i = 0; i < 100; ++i) {
    auto r = httpRequest(d.port(), "GET", "/v1/audit?exchange=" + ex_id, "", as(admin));
    REQUIRE(r.status == 200);
    body = r.body;
    if (body.find("county-bureau") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(body.find("GET /v1/exchanges/{id}") != std::string::npos);

  for (int i = 0; i < 100; ++i) {
    auto r = httpRequest(d.port(), "GET", "/v1/audit?item=" + item, "", as(admin));
    REQUIRE(r.status == 200);
    body = r.body;
    if (body.find("/claim") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // Newest first: the claim before the read; who, why and how, never the person keys.
  const auto read_at = body.find(kItemRoute + "\"");
  const auto claim_at = body.find("POST /v1/queues/{queue}/items/{item}/claim");
  REQUIRE(read_at != std::string::npos);
  REQUIRE(claim_at != std::string::npos);
  CHECK(claim_at < read_at);
  CHECK(body.find("\"org\":\"jiangnan-team\"") != std::string::npos);
  CHECK(body.find("\"role\":\"staff\"") != std::string::npos);
  CHECK(body.find("\"purpose\":\"home visit planning\"") != std::string::npos);
  CHECK(body.find("\"action\":\"change\"") != std::string::npos);
  CHECK(body.find("\"endpoint\":\"POST /v1/exchanges\"") != std::string::npos);  // referred out
  CHECK(body.find("person_keys") == std::string::npos);
  CHECK(body.find(kIdNumber) == std::string::npos);

  // Reading the record is itself recorded, under the item it asked about.
  for (int i = 0; i < 100; ++i) {
    body = httpRequest(d.port(), "GET", "/v1/audit?item=" + item, "", as(admin)).body;
    if (body.find("GET /v1/audit") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(body.find("\"org\":\"bureau-admin\"") != std::string::npos);

  // Pages by seq: one record, then the ones below it.
  auto first = httpRequest(d.port(), "GET", "/v1/audit?item=" + item + "&limit=1", "", as(admin));
  REQUIRE(first.status == 200);
  auto cursor = first.body.find("\"next_after\":");
  REQUIRE(cursor != std::string::npos);
  const std::string next =
      first.body.substr(cursor + 13, first.body.find('}', cursor) - cursor - 13);
  auto second = httpRequest(d.port(), "GET", "/v1/audit?item=" + item + "&limit=1&after=" + next,
                            "", as(admin));
  REQUIRE(second.status == 200);
  CHECK(second.body.find("\"seq\":") != std::string::npos);
  CHECK(second.body.find("\"seq\":" + next + ",") == std::string::npos);

  // Only county admins; and the parameters are checked.
  CHECK(httpRequest(d.port(), "GET", "/v1/audit?item=" + item, "", as(caseworker)).status == 403);
  CHECK(httpRequest(d.port(), "GET", "/v1/audit?item=" + item, "", as(county)).status == 403);
  CHECK(httpRequest(d.port(), "GET", "/v1/audit", "", as(admin)).status == 400);
  CHECK(httpRequest(d.port(), "GET", "/v1/audit?item=x", "", as(admin)).status == 400);
  CHECK(httpRequest(d.port(), "GET", "/v1/audit?item=1&exchange=1", "", as(admin)).status == 400);
  CHECK(httpRequest(d.port(), "GET", "/v1/audit?item=1&person=1", "", as(admin)).status == 400);
  CHECK(httpRequest(d.port(), "GET", "/v1/audit?item=1&limit=501", "", as(admin)).status == 400);
  CHECK(d.terminate() == 0);
}

TEST_CASE("retention removes records past audit.retention_days, and verify still holds",
          "[audit]") {
  // The default retention, 3650 days: the hub's clock moves past it.
  Daemon d{R"("fault_injection": true)"};
  d.setClock("2025-03-10T02:00:00Z");
  const std::string hotline = d.token("hotline-1", "hotline");
  const std::string caseworker = d.token("jiangnan-team", "staff", {"451229205"});
  const std::string admin = d.token("bureau-admin", "admin");
  d.start();
  auto as = [](const std::string& token) {
    return std::map<std::string, std::string>{{"Authorization", "Bearer " + token},
                                              {"Content-Type", "application/json"}};
  };
  REQUIRE(
      httpRequest(d.port(), "POST", "/v1/tickets", ticketJson("audit-3", "hotline-1"), as(hotline))
          .status == 202);
  const std::string item =
      trim(d.sql("SELECT item_id FROM items WHERE queue='township-451229205'"));
  REQUIRE(!item.empty());
  const std::string path = "/v1/queues/township-451229205/items/" + item;
  auto countIs = [&](const std::string& query, const std::string& want) {
    for (int i = 0; i < 100; ++i) {
      if (trim(d.sql(query)) == want) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  };
  for (int i = 0; i < 3; ++i)
    REQUIRE(httpRequest(d.port(), "GET", path, "", as(caseworker)).status == 200);
  REQUIRE(countIs("SELECT count(*) FROM access_log", "3"));

  // Ten years and a few days on: the three old records go (the clock change runs a batch).
  d.setClock("2035-03-12T02:00:00Z");
  REQUIRE(countIs("SELECT count(*) FROM access_log", "0"));
  // By then the item is long overdue, and the periodic sweep (every minute) escalates it to the
  // county queue whenever it comes: sweep now, so that it is escalated before the reads, and
  // read it where it is, as the county admin (the township's path would be a 404).
  const std::string sweep = "sweep 2035-03-12";
  REQUIRE(httpRequest(d.port(), "POST", "/v1/admin/faults", sweep, as(admin)).status == 200);
  const std::string queue = trim(d.sql("SELECT queue FROM items WHERE item_id=" + item));
  REQUIRE(queue != "township-451229205");
  const std::string escalated = "/v1/queues/" + queue + "/items/" + item;
  for (int i = 0; i < 2; ++i)
    REQUIRE(httpRequest(d.port(), "GET", escalated, "", as(admin)).status == 200);
  REQUIRE(countIs("SELECT group_concat(seq) FROM access_log", "4,5"));  // the chain goes on
  CHECK(trim(d.sql("SELECT count(*) FROM access_objects WHERE seq <= 3")) == "0");
  CHECK(trim(d.sql("SELECT substr(value, 1, 2) FROM hub_meta WHERE name='access_anchor'")) == "3 ");
  const auto page = httpRequest(d.port(), "GET", "/v1/audit?item=" + item, "", as(admin));
  REQUIRE(page.status == 200);
  CHECK(page.body.find("\"seq\":5") != std::string::npos);
  CHECK(page.body.find("\"seq\":3") == std::string::npos);
  CHECK(d.terminate() == 0);

  int rc = 0;
  const std::string ok = audit(d, "verify", &rc);
  CHECK(rc == 0);
  CHECK(ok.find("ok, 3 records") != std::string::npos);  // the admin's read of the record too
  CHECK(ok.find("up to seq 3") != std::string::npos);

  SECTION("an edit after pruning is named") {
    d.sql("UPDATE access_log SET purpose='edited' WHERE seq=5");
    const std::string out = audit(d, "verify", &rc);
    CHECK(rc == 1);
    CHECK(out.find("BROKEN at seq 5") != std::string::npos);
  }
  SECTION("removing the first kept record is named") {
    d.sql("DELETE FROM access_log WHERE seq=4");
    const std::string out = audit(d, "verify", &rc);
    CHECK(rc == 1);
    CHECK(out.find("BROKEN at seq 5") != std::string::npos);
  }
  SECTION("an anchor moved by hand to hide a removed record is named") {
    // The anchor made to name record 4 (its real chain, the old mac), then record 4 removed.
    d.sql(
        "UPDATE hub_meta SET value = (SELECT '4 ' || chain FROM access_log WHERE seq=4) || ' ' "
        "|| substr(value, -64) WHERE name='access_anchor'");
    d.sql("DELETE FROM access_log WHERE seq=4");
    const std::string out = audit(d, "verify", &rc);
    CHECK(rc == 1);
    CHECK(out.find("BROKEN at seq 4") != std::string::npos);
    CHECK(out.find("anchor") != std::string::npos);
  }
}
