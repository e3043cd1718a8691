// Storage failures: with the database capped (SQLite max_page_count, as a full disk) or a real
// I/O error from below SQLite, ingest answers 503, nothing acknowledged is lost, and ingest
// resumes by itself when the disk does.
#include <catch2/catch.hpp>

#include <map>

#include "tests/integration/messages.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"

using namespace xj::test;

namespace {

std::map<std::string, std::string> auth(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

}  // namespace

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

// A real I/O error: the fault-injection VFS makes the next file writes fail as a failing disk
// does (SQLITE_IOERR_WRITE from below SQLite), not only the page-count cap above.
TEST_CASE("a real I/O error is survived: 503, nothing half-stored, the connection reopened",
          "[storage][ioerror]") {
  Daemon d(R"("fault_injection": true)");
  std::string t = d.token("hotline-1", "hotline");
  std::string admin = d.token("bureau", "admin");
  d.start();
  std::map<std::string, std::string> h{{"Authorization", "Bearer " + t}};
  std::map<std::string, std::string> ha{{"Authorization", "Bearer " + admin}};
  auto post = [&](const std::string& id) {
    return httpRequest(d.port(), "POST", "/v1/tickets", ticketJson(id, "hotline-1"), h);
  };
  REQUIRE(post("io-before").status == 202);
  auto failures = [&] {
    return metricValue(d.port(), "xianjie_store_commit_failures_total").value_or(-1);
  };
  double failures_before = failures();
  REQUIRE(failures_before == 0);
  // One failed write: the commit that holds the next message fails.
  REQUIRE(httpRequest(d.port(), "POST", "/v1/admin/faults", "ioerror 1", ha).status == 200);
  auto failed = post("io-failed");
  CHECK(failed.status == 503);
  CHECK(failed.body.find("storage_unavailable") != std::string::npos);
  CHECK(failures() == failures_before + 1);
  CHECK(d.log().find("disk I/O error") != std::string::npos);
  // Survived: the writer closed its connection on the I/O error; the next commit opens a new
  // one and stores. Nothing of the failed batch is there, and its resend is accepted.
  CHECK(post("io-after").status == 202);
  CHECK(httpRequest(d.port(), "GET", "/v1/messages/io-failed", "", h).status == 404);
  CHECK(post("io-failed").status == 202);
  CHECK(httpRequest(d.port(), "GET", "/readyz").status == 200);
  // Several failed writes in a row: each batch is refused until the disk works again.
  REQUIRE(httpRequest(d.port(), "POST", "/v1/admin/faults", "ioerror 3", ha).status == 200);
  int refused = 0;
  for (int i = 0; i < 10 && post("io-burst").status != 202; ++i) ++refused;
  CHECK(refused >= 1);
  CHECK(httpRequest(d.port(), "GET", "/v1/messages/io-burst", "", h).status == 200);
  // What was acknowledged is in the file, once, after a restart; the file is sound.
  CHECK(d.terminate() == 0);
  d.start();
  CHECK(d.sql("SELECT group_concat(message_id, ',') FROM (SELECT message_id FROM messages ORDER "
              "BY message_id)") == "io-after,io-before,io-burst,io-failed\n");
  CHECK(d.sql("PRAGMA integrity_check") == "ok\n");
}

// The cap is set on each connection the writer opens, so a reconnection must set it again.
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
