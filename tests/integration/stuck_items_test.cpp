// Items that could get stuck: a claimed item whose owner's token is revoked is
// reassigned by an admin (with a history row); an item without a deadline is escalated once older
// than routes' escalate_undated_after_days, through the same transition table as overdue ones.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <chrono>
#include <thread>

#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/json_doc.h"

using namespace xj::test;

namespace {

std::map<std::string, std::string> auth(const std::string& t) {
  return {{"Authorization", "Bearer " + t}};
}

std::string tokenId(const std::string& token) { return token.substr(4, 12); }

std::string ticket(const std::string& id) {
  return R"({"id":")" + id +
         R"(","kind":"ticket","source":"hotline-1","occurred_at":"2025-03-10T09:30:00+08:00","subject":{"township":"451229205","phone":"13900000001"},"body":{"category":"dibao","urgency":"normal","description":"x"}})";
}

const std::string kQueue = "/v1/queues/township-451229205/items/";

struct Hub {
  Daemon d{R"("fault_injection": true)"};
  std::string hotline, admin, alice, bob, baima;
  Hub() {
    hotline = d.token("hotline-1", "hotline");
    admin = d.token("bureau-admin", "admin");
    alice = d.token("jiangnan-team", "staff", {"451229205"});
    bob = d.token("jiangnan-team", "staff", {"451229205"});
    baima = d.token("baima-team", "staff", {"451229202"});
    d.start();
    REQUIRE(post("/v1/admin/faults", "clock 2025-03-10T02:00:00Z", admin).status == 200);
  }
  HttpResponse post(const std::string& path, const std::string& body, const std::string& token) {
    std::map<std::string, std::string> h = auth(token);
    if (path == "/v1/admin/faults") h["Content-Type"] = "text/plain";
    return httpRequest(d.port(), "POST", path, body, h);
  }
  std::string newItem(const std::string& id) {
    REQUIRE(post("/v1/tickets", ticket(id), hotline).status == 202);
    std::string item = d.sql(
        "SELECT i.item_id FROM items i JOIN messages m ON m.hub_seq = "
        "i.hub_seq WHERE m.message_id='" +
        id + "'");
    item.pop_back();
    return item;
  }
};

}  // namespace

TEST_CASE("an admin reassigns a claimed item whose owner's token was revoked", "[queues]") {
  Hub h;
  std::string item = h.newItem("t-1");
  REQUIRE(h.post(kQueue + item + "/claim", "", h.alice).status == 200);
  int rc = 0;
  runCommand(std::string(XJ_CLI) + " token revoke --config '" + h.d.configPath() + "' " +
                 tokenId(h.alice) + " >/dev/null 2>&1",
             &rc);
  REQUIRE(rc == 0);
  // Within a second the owner's token is refused, and nobody else may move the item.
  for (int i = 0;
       i < 60 && httpRequest(h.d.port(), "GET", "/v1/queues", "", auth(h.alice)).status != 401; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(h.post(kQueue + item + "/release", "", h.alice).status == 401);
  CHECK(h.post(kQueue + item + "/release", "", h.bob).status == 409);

  auto to = [](const std::string& token) {
    return R"({"to":")" + tokenId(token) + R"(","reason":"owner left the team"})";
  };
  // Only an admin may reassign, and only to an active staff token that may see the queue.
  CHECK(h.post(kQueue + item + "/reassign", to(h.bob), h.bob).status == 403);
  CHECK(h.post(kQueue + item + "/reassign", to(h.alice), h.admin).status == 400);  // revoked
  CHECK(h.post(kQueue + item + "/reassign", to(h.baima), h.admin).status == 400);  // other township
  CHECK(h.post(kQueue + item + "/reassign", to(h.hotline), h.admin).status == 400);  // not staff
  auto r = h.post(kQueue + item + "/reassign", to(h.bob), h.admin);
  INFO(r.body);
  REQUIRE(r.status == 200);
  auto doc = json(r.body);
  CHECK(std::string(doc["item"]["owner"].GetString()) == tokenId(h.bob));
  CHECK(std::string(doc["item"]["state"].GetString()) == "claimed");
  CHECK(h.post(kQueue + item + "/reassign", to(h.bob), h.admin).status == 409);  // already bob's
  // The new owner works it to the end; the history shows who handed it over, and why.
  CHECK(h.post(kQueue + item + "/resolve", R"({"outcome":"other","reason_code":"other"})", h.bob)
            .status == 200);
  CHECK(h.d.openedSql("SELECT actor || '|' || action || '|' || xj_open(detail, "
                      "'item_history.detail') FROM item_history WHERE item_id=" +
                      item + " AND action='reassign'") ==
        tokenId(h.admin) + "|reassign|from " + tokenId(h.alice) + " to " + tokenId(h.bob) +
            ": owner left the team\n");
  CHECK(h.d.sql("SELECT count(*) FROM queue_events WHERE item_id=" + item +
                " AND type='reassigned'") == "1\n");
  // An item nobody claimed cannot be "reassigned": claim it instead.
  std::string fresh = h.newItem("t-2");
  CHECK(h.post(kQueue + fresh + "/reassign", to(h.bob), h.admin).status == 409);
}

TEST_CASE("an item with no deadline is escalated once older than escalate_undated_after_days",
          "[queues]") {
  Hub h;  // the shipped routes: escalate_undated_after_days 15, escalation to county-task-force
  std::string item = h.newItem("u-1");
  // As an item stored when its year had no calendar: no deadline at all.
  h.d.sql("UPDATE items SET deadline=NULL WHERE item_id=" + item);
  auto sweep = [&](const std::string& day) {
    auto r = h.post("/v1/admin/faults", "sweep " + day, h.admin);
    REQUIRE(r.status == 200);
    return json(r.body)["escalated"].GetInt();
  };
  CHECK(sweep("2025-03-24") == 0);  // 14 days old
  CHECK(h.d.sql("SELECT queue || '|' || overdue FROM items WHERE item_id=" + item) ==
        "township-451229205|0\n");
  CHECK(sweep("2025-03-26") == 1);  // 16 days old
  CHECK(h.d.sql("SELECT queue || '|' || state || '|' || overdue FROM items WHERE item_id=" +
                item) == "county-task-force|escalated|1\n");
  CHECK(h.d.openedSql("SELECT count(*) FROM item_history WHERE item_id=" + item +
                      " AND action='escalated' AND xj_open(detail, 'item_history.detail') LIKE "
                      "'%escalate_undated_after_days%'") == "1\n");
  CHECK(sweep("2025-03-27") == 0);  // once only
  CHECK(h.d.sql("SELECT count(*) FROM item_history WHERE item_id=" + item +
                " AND action='escalated'") == "1\n");
}
