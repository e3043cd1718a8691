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
  CHECK(found.find(kIdNumber) == std::string::npos);  // the number itself is never printed
  int rc = 0;
  const std::string other = audit(d, "query --person " + kOtherId, &rc);
  CHECK(rc == 0);
  CHECK(other.find(kItemRoute) == std::string::npos);
  CHECK(queryUntil(d, "--org jiangnan-team", kItemRoute).find(kItemRoute) != std::string::npos);
  CHECK(audit(d, "query --org hotline-1", &rc).find(kItemRoute) == std::string::npos);
  CHECK(audit(d, "query --person 123", &rc).find("123") == std::string::npos);  // refused quietly
  CHECK(rc == 2);

  // Three records in all (the item list adds one).
  REQUIRE(httpRequest(d.port(), "GET", "/v1/queues/township-451229205/items", "", as(caseworker))
              .status == 200);
  queryUntil(d, "", "GET /v1/queues/{queue}/items ");
  CHECK(d.terminate() == 0);
  REQUIRE(trim(d.sql("SELECT count(*) FROM access_log")) == "3");
  CHECK(audit(d, "verify", &rc).find("ok, 3 records") != std::string::npos);
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
