// Storage full: with the database capped (SQLite max_page_count, as a full disk), ingest answers
// 503, nothing acknowledged is lost, and ingest resumes by itself when room returns.
#include <catch2/catch.hpp>

#include "tests/integration/messages.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"

using namespace xj::test;

TEST_CASE("a full database gives 503, loses nothing and recovers", "[storage]") {
  Daemon d(R"("fault_injection": true)");
  std::string t = d.token("hotline-1", "hotline");
  std::string admin = d.token("bureau", "admin");
  d.start();
  std::map<std::string, std::string> h{{"Authorization", "Bearer " + t}};
  std::map<std::string, std::string> ha{{"Authorization", "Bearer " + admin}};
  int pages = std::stoi(d.sql("PRAGMA page_count"));
  REQUIRE(httpRequest(d.port(), "POST", "/v1/admin/faults", std::to_string(pages + 8), ha).status ==
          200);
  std::vector<std::string> accepted;
  int unavailable = 0;
  HttpConnection c(d.port());
  for (int i = 0; i < 400 && unavailable < 5; ++i) {
    std::string id = "f-" + std::to_string(i);
    auto r =
        c.request("POST", "/v1/tickets", ticketJson(id, "hotline-1", std::string(1500, 'x')), h);
    if (r.status == 202) {
      accepted.push_back(id);
    } else {
      REQUIRE(r.status == 503);
      CHECK(r.headers.count("retry-after") == 1);
      CHECK(r.body.find("storage_unavailable") != std::string::npos);
      ++unavailable;
    }
  }
  REQUIRE(unavailable == 5);
  REQUIRE(!accepted.empty());
  CHECK(httpRequest(d.port(), "GET", "/readyz").status == 503);
  CHECK(httpRequest(d.port(), "GET", "/healthz").status == 200);
  // Room returns: the cap is lifted and the next message goes through without a restart.
  REQUIRE(httpRequest(d.port(), "POST", "/v1/admin/faults", "0", ha).status == 200);
  auto r = c.request("POST", "/v1/tickets", ticketJson("after", "hotline-1"), h);
  CHECK(r.status == 202);
  CHECK(httpRequest(d.port(), "GET", "/readyz").status == 200);
  // Nothing acknowledged is lost, nothing refused is stored.
  CHECK(d.sql("SELECT count(*) FROM messages") == std::to_string(accepted.size() + 1) + "\n");
  for (const auto& id : accepted)
    CHECK(httpRequest(d.port(), "GET", "/v1/messages/" + id, "", h).status == 200);
  d.terminate();
  d.start();
  CHECK(d.sql("SELECT count(*) FROM messages") == std::to_string(accepted.size() + 1) + "\n");
}
