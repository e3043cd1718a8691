// What the HTTP API promises about its limits and paging, against the real daemon over real
// sockets: paging and every filter of a queue's items, http.max_connections, the 30 s long-poll
// cap, and /readyz while the MQTT broker is down.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include "tests/integration/messages.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/json_doc.h"
#include "tests/support/mosquitto.h"

using namespace xj::test;

namespace {

using Headers = std::map<std::string, std::string>;
Headers auth(const std::string& t) { return {{"Authorization", "Bearer " + t}}; }

// A ticket from its own phone (so no two are linked as repeat calls).
std::string ticket(const std::string& id, const std::string& township, const std::string& phone,
                   const std::string& category, const std::string& urgency,
                   const std::string& description) {
  return R"({"id":")" + id +
         R"(","kind":"ticket","source":"hotline-1","occurred_at":"2025-03-10T09:30:00+08:00","subject":{"township":")" +
         township + R"(","phone":")" + phone + R"("},"body":{"category":")" + category +
         R"(","urgency":")" + urgency + R"(","description":")" + description + R"("}})";
}

// The item ids and next_after of one page.
struct Page {
  int status = 0;
  std::vector<int64_t> ids;
  std::vector<std::string> hub_ids;
  std::vector<std::string> message_ids;  // filled by the test from its own hub_id -> id map
  std::optional<int64_t> next_after;
  std::string body;
};

Page page(int port, const std::string& token, const std::string& path) {
  auto r = httpRequest(port, "GET", path, "", auth(token));
  Page p;
  p.status = r.status;
  p.body = r.body;
  if (r.status != 200) return p;
  auto d = json(r.body);
  for (auto& it : d["items"].GetArray()) {
    p.ids.push_back(it["item_id"].GetInt64());
    p.hub_ids.push_back(it["hub_id"].GetString());
  }
  if (d["next_after"].IsInt64()) p.next_after = d["next_after"].GetInt64();
  return p;
}

}  // namespace

TEST_CASE("queue items: pages with limit and after, and each filter selects what it names",
          "[api_limits][paging]") {
  Daemon d(R"("fault_injection": true)");
  std::string hotline = d.token("hotline-1", "hotline");
  std::string county = d.token("county-bureau", "staff");
  std::string admin = d.token("bureau-admin", "admin");
  d.setClock("2025-03-10T10:00:00+08:00");
  d.start();
  std::map<std::string, std::string> id_of;  // hub_id -> the message id the test gave
  auto post = [&](const std::string& id, const std::string& body) {
    auto r = httpRequest(d.port(), "POST", "/v1/tickets", body, auth(hotline));
    REQUIRE(r.status == 202);
    id_of[json(r.body)["hub_id"].GetString()] = id;
  };
  auto get = [&](const std::string& path) {
    Page p = page(d.port(), county, path);
    for (const auto& h : p.hub_ids) p.message_ids.push_back(id_of.count(h) ? id_of[h] : h);
    return p;
  };
  // Seven tickets in Jiangnan (451229205): categories alternate, one mentions a burst pipe.
  const std::string q = "/v1/queues/township-451229205/items";
  for (int i = 0; i < 7; ++i) {
    std::string id = "p-" + std::to_string(i);
    post(id, ticket(id, "451229205", "1380000010" + std::to_string(i), i % 2 ? "medical" : "dibao",
                    "normal", i == 3 ? "水管爆裂无人修" : "测试"));
  }
  // Pages of 3: 3 + 3 + 1, in item order, each after the cursor the page before gave.
  auto first = get(q + "?limit=3");
  REQUIRE(first.status == 200);
  CHECK(first.ids.size() == 3);
  REQUIRE(first.next_after.has_value());
  CHECK(*first.next_after == first.ids.back());
  auto second = get(q + "?limit=3&after=" + std::to_string(*first.next_after));
  CHECK(second.ids.size() == 3);
  REQUIRE(second.next_after.has_value());
  auto third = get(q + "?limit=3&after=" + std::to_string(*second.next_after));
  CHECK(third.ids.size() == 1);
  CHECK_FALSE(third.next_after.has_value());  // the last page says so
  std::vector<int64_t> all = first.ids;
  all.insert(all.end(), second.ids.begin(), second.ids.end());
  all.insert(all.end(), third.ids.begin(), third.ids.end());
  CHECK(std::set<int64_t>(all.begin(), all.end()).size() == 7);  // no item twice, none lost
  CHECK(std::is_sorted(all.begin(), all.end()));
  auto whole = get(q);
  CHECK(whole.ids == all);
  CHECK_FALSE(whole.next_after.has_value());
  for (const char* bad : {"?limit=0", "?limit=201", "?limit=x", "?after=-1", "?after=x"}) {
    INFO(bad);
    CHECK(get(q + bad).status == 400);
  }

  // category
  auto medical = get(q + "?category=medical");
  CHECK(medical.message_ids == std::vector<std::string>{"p-1", "p-3", "p-5"});
  // text: a word of one description
  auto pipe = get(q + "?text=%E6%B0%B4%E7%AE%A1");  // 水管
  CHECK(pipe.message_ids == std::vector<std::string>{"p-3"});
  // state: claim one, then new and claimed split the queue
  REQUIRE(
      httpRequest(d.port(), "POST", q + "/" + std::to_string(all[0]) + "/claim", "", auth(county))
          .status == 200);
  CHECK(get(q + "?state=claimed").ids == std::vector<int64_t>{all[0]});
  CHECK(get(q + "?state=new").ids.size() == 6);
  // filters combine
  CHECK(get(q + "?category=dibao&text=%E6%B0%B4%E7%AE%A1").ids.empty());
  CHECK(get(q + "?category=medical&state=new").message_ids ==
        std::vector<std::string>{"p-1", "p-3", "p-5"});
  // overdue: a ticket's first contact is due in one working day (Tuesday 2025-03-11); a sweep as
  // of Wednesday escalates the overdue ones to the county task force. A fresh ticket moved there
  // by hand is not overdue: the task force's queue then holds both kinds.
  auto swept = httpRequest(d.port(), "POST", "/v1/admin/faults", "sweep 2025-03-12", auth(admin));
  REQUIRE(swept.status == 200);
  int escalated = json(swept.body)["escalated"].GetInt();
  CHECK(escalated >= 6);
  post("fresh", ticket("fresh", "451229205", "13900000200", "dibao", "normal", "测试"));
  auto fresh = get(q);
  REQUIRE(fresh.message_ids.size() >= 1);
  REQUIRE(fresh.message_ids.back() == "fresh");
  REQUIRE(httpRequest(d.port(), "POST", q + "/" + std::to_string(fresh.ids.back()) + "/transfer",
                      R"({"to":"county-task-force","reason":"需县级协调"})", auth(county))
              .status == 200);
  const std::string task_force = "/v1/queues/county-task-force/items";
  auto overdue = get(task_force + "?overdue=true");
  CHECK(overdue.ids.size() == static_cast<size_t>(escalated));
  CHECK(std::find(overdue.message_ids.begin(), overdue.message_ids.end(), "fresh") ==
        overdue.message_ids.end());
  CHECK(get(task_force + "?overdue=false").message_ids == std::vector<std::string>{"fresh"});
  // township: the county's temporary-aid queue takes critical calls from every township
  post("crit-a", ticket("crit-a", "451229205", "13900000201", "dibao", "critical", "急"));
  post("crit-b", ticket("crit-b", "451229202", "13900000202", "dibao", "critical", "急"));
  const std::string aid = "/v1/queues/county-temporary-aid/items";
  CHECK(get(aid).ids.size() == 2);
  CHECK(get(aid + "?township=451229202").message_ids == std::vector<std::string>{"crit-b"});
  CHECK(get(aid + "?township=451229205").message_ids == std::vector<std::string>{"crit-a"});
  // An unknown filter is refused, named.
  auto unknown = get(q + "?colour=red");
  CHECK(unknown.status == 400);
  CHECK(unknown.body.find("colour") != std::string::npos);
}

TEST_CASE("http.max_connections: one more connection is answered 503 and closed; room returns",
          "[api_limits][http_limits]") {
  Daemon d("", R"("max_connections": 3, "header_timeout_ms": 20000)");
  d.start();
  std::vector<std::unique_ptr<HttpConnection>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<HttpConnection>(d.port()));
    REQUIRE(held.back()->connected());
    // Served: each holds one of the three places.
    CHECK(held.back()->request("GET", "/healthz").status == 200);
  }
  HttpConnection extra(d.port());
  REQUIRE(extra.connected());
  auto refused = extra.request("GET", "/healthz", "", {}, 5000);
  CHECK(refused.status == 503);
  CHECK(extra.waitClosed(3000));
  auto m = metricValue(d.port(), "xianjie_http_rejections_total{reason=\"too_many_connections\"}");
  // /metrics needs a connection too: it is refused while all three are held.
  CHECK_FALSE(m.has_value());
  held[0]->close();
  // The place is freed once the hub sees the close.
  CHECK(waitUntil([&] { return httpRequest(d.port(), "GET", "/healthz").status == 200; }, 5000));
  held[1]->close();
  // Wait for the hub to see held[1]'s close (and the probe connection's): until then /metrics
  // may still be one of the connections over the limit.
  std::optional<double> counted;
  CHECK(waitUntil(
      [&] {
        counted =
            metricValue(d.port(), "xianjie_http_rejections_total{reason=\"too_many_connections\"}");
        return counted.has_value();
      },
      5000));
  REQUIRE(counted.has_value());
  CHECK(*counted >= 1);
}

TEST_CASE("the event long-poll is capped at 30 s: a longer wait is refused, 30 s is honoured",
          "[longpoll]") {
  Daemon d;
  std::string county = d.token("county-bureau", "staff");
  d.start();
  const std::string feed = "/v1/queues/township-451229205/events";
  for (const char* wait : {"31", "120"}) {
    auto r = httpRequest(d.port(), "GET", feed + "?wait=" + wait, "", auth(county));
    INFO(wait << ": " << r.body);
    CHECK(r.status == 400);
    CHECK(r.body.find("\"path\":\"wait\"") != std::string::npos);
  }
  // The longest wait allowed, with nothing happening: an empty page after 30 s, not before and
  // not much later. (The only slow test: ctest runs it beside the others.)
  HttpConnection c(d.port());
  auto t0 = std::chrono::steady_clock::now();
  auto r = c.request("GET", feed + "?wait=30", "", auth(county), 40000);
  auto s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  INFO("answered after " << s << " s: " << r.body);
  CHECK(r.status == 200);
  CHECK(json(r.body)["events"].Size() == 0);
  CHECK(s >= 29.5);
  CHECK(s < 32.0);
}

TEST_CASE("/readyz is 503 while the MQTT broker is down and 200 again once it is back",
          "[api_limits][mqtt_ready]") {
  Mosquitto broker;
  broker.start();
  Daemon d("", "", "",
           "\"uri\": \"" + broker.uri() + "\", \"client_id\": \"hub-ready-" +
               std::to_string(broker.port()) + "\"");
  d.start();
  REQUIRE(waitUntil([&] { return httpRequest(d.port(), "GET", "/readyz").status == 200; }, 10000));
  broker.stop();
  CHECK(waitUntil([&] { return httpRequest(d.port(), "GET", "/readyz").status == 503; }, 10000));
  CHECK(httpRequest(d.port(), "GET", "/healthz").status == 200);  // alive, only not ready
  auto connected = metricValue(d.port(), "xianjie_mqtt_connected");
  REQUIRE(connected.has_value());
  CHECK(*connected == 0);
  broker.start();
  CHECK(waitUntil([&] { return httpRequest(d.port(), "GET", "/readyz").status == 200; }, 20000));
}
