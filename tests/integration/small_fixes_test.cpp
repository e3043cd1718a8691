// Smaller holes of issue 10: an ID number born after the acceptance date (by the hub's clock, not
// the system's) is refused; the database page cap survives the writer's reconnection after an
// I/O error.
#include <catch2/catch.hpp>

#include "tests/integration/messages.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"

using namespace xj::test;

namespace {

std::map<std::string, std::string> auth(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

std::string referral(const std::string& id, const std::string& id_number) {
  return R"({"id":")" + id +
         R"(","kind":"referral","source":"charity-1","occurred_at":"2025-03-10T09:30:00Z","subject":{"id_number":")" +
         id_number +
         R"(","township":"451229202"},"body":{"needs":["medical"],"charity_case_id":"c-1","consent":true}})";
}

}  // namespace

TEST_CASE("an ID number born after the hub's acceptance date is refused", "[http][id_future]") {
  Daemon d(R"("fault_injection": true)");
  std::string charity = d.token("charity-1", "charity");
  std::string admin = d.token("bureau-admin", "admin");
  d.start();
  const std::string born_2025_06_01 = "451229202506010016";
  // The hub's clock says 2025-03-10 (whatever the machine's clock says): not born yet.
  REQUIRE(
      httpRequest(d.port(), "POST", "/v1/admin/faults", "clock 2025-03-10T02:00:00Z", auth(admin))
          .status == 200);
  auto r = httpRequest(d.port(), "POST", "/v1/referrals", referral("r-1", born_2025_06_01),
                       auth(charity));
  CHECK(r.status == 400);
  CHECK(r.body.find("/subject/id_number") != std::string::npos);
  CHECK(r.body.find("after the date the message was accepted") != std::string::npos);
  CHECK(r.body.find(born_2025_06_01) == std::string::npos);  // the number is not echoed
  // On the birthday itself (China time) the same message is accepted.
  REQUIRE(
      httpRequest(d.port(), "POST", "/v1/admin/faults", "clock 2025-05-31T16:30:00Z", auth(admin))
          .status == 200);
  r = httpRequest(d.port(), "POST", "/v1/referrals", referral("r-1", born_2025_06_01),
                  auth(charity));
  CHECK(r.status == 202);
}

TEST_CASE("store.max_page_count holds after the writer reconnects (as after an I/O error)",
          "[storage]") {
  // A fresh database has fewer pages than this; a few dozen 1.5 kB tickets fill the rest.
  Daemon d(R"("fault_injection": true, "max_page_count": 60)");
  std::string t = d.token("hotline-1", "hotline");
  std::string admin = d.token("bureau-admin", "admin");
  d.start();
  HttpConnection c(d.port());
  REQUIRE(c.request("POST", "/v1/tickets", ticketJson("first", "hotline-1"), auth(t)).status ==
          202);
  REQUIRE(httpRequest(d.port(), "POST", "/v1/admin/faults", "reconnect", auth(admin)).status ==
          200);
  int accepted = 0, full = 0;
  for (int i = 0; i < 400 && full == 0; ++i) {
    auto r = c.request("POST", "/v1/tickets",
                       ticketJson("f-" + std::to_string(i), "hotline-1", std::string(1500, 'x')),
                       auth(t));
    if (r.status == 202)
      ++accepted;
    else if (r.status == 503)
      ++full;
  }
  CHECK(full == 1);  // the cap still holds on the new connection
  CHECK(d.log().find("store_commit_failed") != std::string::npos);
  CHECK(std::stoi(d.sql("PRAGMA page_count")) <= 60);
  CHECK(std::stoi(d.sql("SELECT count(*) FROM messages")) == accepted + 1);
}
