// The two-way exchange against the real daemon over real HTTP: a referral out needs
// the person's recorded consent and leaves minimised (the outbox row); the partner's feedback
// moves it through the transition table and reaches the item's queue; a charity's referral in
// opens an exchange that the staff's resolution closes, with the outcome enqueued for the
// charity; every exchange is visible only to its parties (another charity: 404).
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/json_doc.h"
#include "tests/support/mosquitto.h"
#include "tests/support/mqtt_client.h"
#include "tests/support/test_env.h"
#include "tests/support/webhook_sink.h"

using namespace xj::test;

namespace {

const std::string kJiangnan = "451229205";
const std::string kBaima = "451229202";
const std::string kQueue = "township-451229205";

// Two charities serving the county, one that is full; all poll (no push), default fields.
const char* kPartners = R"({
  "partners": [
    {"org": "charity-1", "name": "一号慈善会", "services": ["food", "medical"], "townships": ["*"],
     "capacity": "available", "channel": {"type": "poll"}, "accept_within_working_days": 3},
    {"org": "charity-2", "name": "二号慈善会", "services": ["food"], "townships": ["*"],
     "capacity": "waitlist", "channel": {"type": "poll"}},
    {"org": "charity-full", "name": "满员慈善会", "services": ["food"], "townships": ["*"],
     "capacity": "full", "channel": {"type": "poll"}}
  ],
  "platform": {"enabled": false}
})";

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

const char* kIdNumber = "451229199011302426";

std::string ticket(const std::string& id, const std::string& idn = kIdNumber,
                   const std::string& phone = "13900000001") {
  return R"({"id":")" + id +
         R"(","kind":"ticket","source":"hotline-1","occurred_at":"2025-03-10T09:30:00+08:00","subject":{"name":"韦测试","id_number":")" +
         idn + R"(","phone":")" + phone + R"(","township":")" + kJiangnan +
         R"(","village":"测试村"},"body":{"category":"dibao","urgency":"normal","description":"需要食物"}})";
}

std::string referral(const std::string& id, const std::string& source, const char* idn) {
  return R"({"id":")" + id + R"(","kind":"referral","source":")" + source +
         R"(","occurred_at":"2025-03-10T09:30:00Z","subject":{"id_number":")" + idn +
         R"(","township":")" + kJiangnan +
         R"("},"body":{"needs":["medical"],"charity_case_id":"c-1","consent":true}})";
}

const char* kConsent =
    R"("consent":{"recorded":true,"by":"韦社工","at":"2025-03-10T10:00:00+08:00","method":"written"})";

struct Hub {
  Daemon d{R"("fault_injection": true)"};
  std::string hotline, admin, staff, baima, charity1, charity2;
  explicit Hub(const char* partners = kPartners) {
    d.writePartners(partners);
    hotline = d.token("hotline-1", "hotline");
    admin = d.token("bureau-admin", "admin");
    staff = d.token("jiangnan-team", "staff", {kJiangnan});
    baima = d.token("baima-team", "staff", {kBaima});
    charity1 = d.token("charity-1", "charity");
    charity2 = d.token("charity-2", "charity");
    d.start();
    REQUIRE(send("POST", "/v1/admin/faults", "clock 2025-03-10T02:00:00Z", admin).status == 200);
  }
  HttpResponse send(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& token) {
    std::map<std::string, std::string> h{{"Authorization", "Bearer " + token}};
    if (!body.empty())
      h["Content-Type"] = path == "/v1/admin/faults" ? "text/plain" : "application/json";
    return httpRequest(d.port(), method, path, body, h);
  }
  std::string itemOf(const std::string& message_id) {
    return trim(
        d.sql("SELECT i.item_id FROM items i JOIN messages m ON m.hub_seq = i.hub_seq WHERE "
              "m.message_id='" +
              message_id + "' AND i.queue='" + kQueue + "'"));
  }
  std::string newItem(const std::string& id, const std::string& idn = kIdNumber,
                      const std::string& phone = "13900000001") {
    REQUIRE(send("POST", "/v1/tickets", ticket(id, idn, phone), hotline).status == 202);
    std::string item = itemOf(id);
    REQUIRE(!item.empty());
    return item;
  }
  HttpResponse refer(const std::string& item, const std::string& partner,
                     const std::string& extra) {
    return send("POST", "/v1/exchanges",
                R"({"queue":")" + kQueue + R"(","item":)" + item + R"(,"partner":")" + partner +
                    R"(","need":"food")" + extra + "}",
                staff);
  }
  HttpResponse event(const std::string& ex, const std::string& body, const std::string& token) {
    return send("POST", "/v1/exchanges/" + ex + "/events", body, token);
  }
  std::string state(const std::string& ex, const std::string& token) {
    auto r = send("GET", "/v1/exchanges/" + ex, "", token);
    if (r.status != 200) return "http " + std::to_string(r.status);
    auto doc = json(r.body);
    return doc["exchange"]["state"].GetString();
  }
  // The outbox rows for `partner`, "kind|body" per line, in order.
  std::string outbox(const std::string& partner) {
    return d.openedSql(
        "SELECT kind || '|' || xj_open(body, 'outbox.body') FROM outbox WHERE "
        "partner='" +
        partner + "' ORDER BY id");
  }
};

bool hasProblem(const std::string& body, const std::string& path) {
  auto doc = json(body);
  if (!doc.IsObject() || !doc.HasMember("problems")) return false;
  for (const auto& p : doc["problems"].GetArray())
    if (std::string(p["path"].GetString()) == path) return true;
  return false;
}

}  // namespace

TEST_CASE("a referral out needs recorded consent; what leaves is minimised to the partner's fields",
          "[exchange]") {
  Hub h;
  std::string item = h.newItem("t-1");
  // No consent at all, and consent not recorded: refused with the path, nothing stored.
  auto none = h.refer(item, "charity-1", "");
  CHECK(none.status == 400);
  CHECK(hasProblem(none.body, "/consent"));
  auto unrecorded = h.refer(
      item, "charity-1",
      R"(,"consent":{"recorded":false,"by":"x","at":"2025-03-10T10:00:00+08:00","method":"oral"})");
  CHECK(unrecorded.status == 400);
  CHECK(hasProblem(unrecorded.body, "/consent/recorded"));
  // A full partner is refused too; an unknown one is named.
  auto full = h.refer(item, "charity-full", std::string(",") + kConsent);
  CHECK(full.status == 400);
  CHECK(hasProblem(full.body, "/partner"));
  CHECK(trim(h.d.sql("SELECT count(*) FROM exchanges")) == "0");
  CHECK(trim(h.d.sql("SELECT count(*) FROM outbox")) == "0");

  auto ok = h.refer(item, "charity-1", std::string(",") + kConsent);
  REQUIRE(ok.status == 201);
  auto doc = json(ok.body);
  std::string ex = doc["exchange"]["id"].GetString();
  CHECK(std::string(doc["exchange"]["state"].GetString()) == "requested");
  CHECK(std::string(doc["exchange"]["direction"].GetString()) == "outbound");
  // One outbox row, the referral, in the same transaction: name, phone, village and needs, but
  // neither the ID number nor the household.
  std::string rows = h.outbox("charity-1");
  INFO(rows);
  CHECK(rows.rfind("exchange.referral|", 0) == 0);
  CHECK(rows.find("\"exchange\":\"" + ex + "\"") != std::string::npos);
  CHECK(rows.find("韦测试") != std::string::npos);
  CHECK(rows.find("13900000001") != std::string::npos);
  CHECK(rows.find("测试村") != std::string::npos);
  CHECK(rows.find("\"needs\":[\"food\"]") != std::string::npos);
  CHECK(rows.find(kIdNumber) == std::string::npos);
  CHECK(rows.find("id_number") == std::string::npos);
  CHECK(rows.find("\"consent\":{\"recorded\":true") != std::string::npos);
  // The item says it was referred out (history and an `exchange` event on its queue).
  CHECK(trim(h.d.sql("SELECT count(*) FROM item_history WHERE item_id=" + item +
                     " AND action='exchange'")) == "1");
  CHECK(trim(h.d.sql("SELECT count(*) FROM queue_events WHERE item_id=" + item +
                     " AND type='exchange'")) == "1");
}

TEST_CASE("partner feedback: accepted -> in_progress -> completed, told to the item's queue",
          "[exchange]") {
  Hub h;
  std::string item = h.newItem("t-1");
  auto created = h.refer(item, "charity-1", std::string(",") + kConsent);
  REQUIRE(created.status == 201);
  std::string ex = json(created.body)["exchange"]["id"].GetString();

  // Another charity, and staff of another township: as if it did not exist.
  CHECK(h.send("GET", "/v1/exchanges/" + ex, "", h.charity2).status == 404);
  CHECK(h.event(ex, R"({"event":"accept"})", h.charity2).status == 404);
  CHECK(h.send("GET", "/v1/exchanges/" + ex, "", h.baima).status == 404);
  auto other_list = json(h.send("GET", "/v1/exchanges", "", h.charity2).body);
  CHECK(other_list["exchanges"].Size() == 0);

  // The performer may not cancel (the requester's move): refused with the state and the moves.
  auto cancel = h.event(ex, R"({"event":"cancel","reason":"x"})", h.charity1);
  CHECK(cancel.status == 409);
  CHECK(cancel.body.find("from requested") != std::string::npos);
  CHECK(cancel.body.find("accept (performer)") != std::string::npos);

  CHECK(h.event(ex, R"({"event":"accept","note":"明天联系"})", h.charity1).status == 200);
  CHECK(h.event(ex, R"({"status":"in_progress"})", h.charity1).status == 200);
  auto no_outcome = h.event(ex, R"({"event":"complete"})", h.charity1);
  CHECK(no_outcome.status == 409);
  CHECK(hasProblem(no_outcome.body, "/outcome"));
  CHECK(h.event(ex, R"({"event":"complete","outcome":"food parcels for 3 months"})", h.charity1)
            .status == 200);
  CHECK(h.state(ex, h.charity1) == "completed");
  auto late = h.event(ex, R"({"event":"hold"})", h.charity1);
  CHECK(late.status == 409);
  CHECK(late.body.find("from completed") != std::string::npos);

  // The timeline, as the charity and the township's staff see it.
  auto shown = json(h.send("GET", "/v1/exchanges/" + ex, "", h.staff).body);
  REQUIRE(shown["timeline"].Size() == 4);
  const char* events[] = {"created", "accept", "start", "complete"};
  for (rapidjson::SizeType i = 0; i < 4; ++i)
    CHECK(std::string(shown["timeline"][i]["event"].GetString()) == events[i]);
  CHECK(std::string(shown["timeline"][1]["note"].GetString()) == "明天联系");
  CHECK(std::string(shown["timeline"][3]["side"].GetString()) == "performer");
  CHECK(std::string(shown["exchange"]["outcome"].GetString()) == "food parcels for 3 months");
  // The township's caseworker (who may not read the county's outbox) sees how the messages to
  // the partner went: the referral, delivered (a poll partner's rows are delivered when it
  // opens the exchange, as charity-1 did above), and nothing about the partner's own reports,
  // which came in.
  REQUIRE(shown["deliveries"].IsArray());
  REQUIRE(shown["deliveries"].Size() == 1);
  CHECK(std::string(shown["deliveries"][0]["kind"].GetString()) == "exchange.referral");
  CHECK(waitUntil(
      [&] {
        auto again = json(h.send("GET", "/v1/exchanges/" + ex, "", h.staff).body);
        return again["deliveries"].Size() == 1 &&
               std::string(again["deliveries"][0]["state"].GetString()) == "delivered";
      },
      5000));
  CHECK_FALSE(shown["deliveries"][0].HasMember("body"));
  CHECK(h.send("GET", "/v1/outbox", "", h.staff).status == 403);
  auto mine = json(h.send("GET", "/v1/exchanges", "", h.charity1).body);
  REQUIRE(mine["exchanges"].Size() == 1);
  CHECK_FALSE(mine["exchanges"][0].HasMember("item_id"));  // internal ids stay inside

  // Civil affairs heard each report on the item's queue: 1 (referred) + 3 moves.
  CHECK(trim(h.d.sql("SELECT count(*) FROM queue_events WHERE item_id=" + item +
                     " AND type='exchange'")) == "4");
  CHECK(trim(h.d.openedSql("SELECT count(*) FROM item_history WHERE item_id=" + item +
                           " AND action='exchange' AND xj_open(detail, 'item_history.detail') LIKE "
                           "'%complete by charity-1%'")) == "1");
  // The partner's own reports are not echoed back to it: only the referral is in its outbox.
  CHECK(trim(h.d.sql("SELECT count(*) FROM outbox WHERE partner='charity-1'")) == "1");
}

TEST_CASE("the exchange list shows staff only their townships' exchanges", "[exchange][scope]") {
  Hub h;
  std::string item = h.newItem("t-1");
  auto created = h.refer(item, "charity-1", std::string(",") + kConsent);
  REQUIRE(created.status == 201);
  std::string ex = json(created.body)["exchange"]["id"].GetString();
  auto listed = [&](const std::string& token) {
    auto r = h.send("GET", "/v1/exchanges", "", token);
    REQUIRE(r.status == 200);
    std::vector<std::string> ids;
    auto doc = json(r.body);  // alive while its array is read
    for (const auto& e : doc["exchanges"].GetArray()) ids.push_back(e["id"].GetString());
    return ids;
  };
  // Staff of another township: the list is as empty as its GET is 404.
  CHECK(listed(h.baima).empty());
  CHECK(listed(h.staff) == std::vector<std::string>{ex});
  CHECK(listed(h.admin) == std::vector<std::string>{ex});
}

TEST_CASE("a charity's referral in: verified by staff, the outcome enqueued for the charity",
          "[exchange]") {
  Hub h;
  REQUIRE(
      h.send("POST", "/v1/referrals", referral("r-1", "charity-1", kIdNumber), h.charity1).status ==
      202);
  auto list = json(h.send("GET", "/v1/exchanges", "", h.charity1).body);
  REQUIRE(list["exchanges"].Size() == 1);
  const auto& e = list["exchanges"][0];
  std::string ex = e["id"].GetString();
  CHECK(std::string(e["direction"].GetString()) == "inbound");
  CHECK(std::string(e["state"].GetString()) == "received");
  CHECK(std::string(e["partner_ref"].GetString()) == "r-1");
  CHECK(std::string(e["partner_side"].GetString()) == "requester");
  // Another charity does not see it.
  CHECK(h.send("GET", "/v1/exchanges/" + ex, "", h.charity2).status == 404);

  std::string item = h.itemOf("r-1");
  REQUIRE(!item.empty());
  const std::string base = "/v1/queues/" + kQueue + "/items/" + item;
  REQUIRE(h.send("POST", base + "/claim", "", h.staff).status == 200);
  CHECK(h.state(ex, h.charity1) == "accepted");
  REQUIRE(h.send("POST", base + "/resolve",
                 R"({"outcome":"eligible_dibao","reason_code":"income_below_standard"})", h.staff)
              .status == 200);
  auto shown = json(h.send("GET", "/v1/exchanges/" + ex, "", h.charity1).body);
  CHECK(std::string(shown["exchange"]["state"].GetString()) == "completed");
  CHECK(std::string(shown["exchange"]["outcome"].GetString()) == "taken into category dibao");

  // The charity was told every move, in order, the last one the outcome.
  std::string rows = h.outbox("charity-1");
  INFO(rows);
  auto first = rows.find("exchange.status|");
  auto accepted = rows.find("\"state\":\"accepted\"");
  auto outcome = rows.find("exchange.outcome|");
  CHECK(first != std::string::npos);
  REQUIRE(outcome != std::string::npos);
  CHECK(accepted < outcome);
  CHECK(rows.find("\"outcome\":\"taken into category dibao\"", outcome) != std::string::npos);
  CHECK(rows.find("\"your_id\":\"r-1\"", outcome) != std::string::npos);
  // A charity may not complete what civil affairs performs.
  CHECK(h.event(ex, R"({"event":"note","note":"谢谢"})", h.charity1).status == 200);
}

TEST_CASE("not eligible completes the verification with its reason; duplicate rejects it",
          "[exchange]") {
  Hub h;
  REQUIRE(
      h.send("POST", "/v1/referrals", referral("r-1", "charity-1", kIdNumber), h.charity1).status ==
      202);
  REQUIRE(h.send("POST", "/v1/referrals", referral("r-2", "charity-1", "45122919800101002X"),
                 h.charity1)
              .status == 202);
  auto resolve = [&](const std::string& msg, const std::string& body) {
    std::string base = "/v1/queues/" + kQueue + "/items/" + h.itemOf(msg);
    REQUIRE(h.send("POST", base + "/claim", "", h.staff).status == 200);
    REQUIRE(h.send("POST", base + "/resolve", body, h.staff).status == 200);
  };
  resolve("r-1", R"({"outcome":"not_eligible","reason_code":"income_above_line"})");
  resolve("r-2", R"({"outcome":"duplicate","reason_code":"same_case_open"})");
  auto list = json(h.send("GET", "/v1/exchanges", "", h.charity1).body);
  REQUIRE(list["exchanges"].Size() == 2);
  CHECK(std::string(list["exchanges"][0]["state"].GetString()) == "completed");
  CHECK(std::string(list["exchanges"][0]["reason"].GetString()) == "income_above_line");
  CHECK(std::string(list["exchanges"][0]["outcome"].GetString()) ==
        "not_eligible: income_above_line");
  // Claimed (accepted) before it was found a duplicate: failed, not rejected, per the table.
  CHECK(std::string(list["exchanges"][1]["state"].GetString()) == "failed");
  CHECK(std::string(list["exchanges"][1]["reason"].GetString()) == "duplicate");
}

TEST_CASE("suggestions leave out full partners; a rejection for capacity offers the next one",
          "[exchange]") {
  Hub h;
  std::string item = h.newItem("t-1");
  auto sug =
      h.send("GET", "/v1/exchanges/suggestions?queue=" + kQueue + "&item=" + item + "&need=food",
             "", h.staff);
  REQUIRE(sug.status == 200);
  auto s = json(sug.body);
  REQUIRE(s["partners"].Size() == 2);
  CHECK(std::string(s["partners"][0]["org"].GetString()) == "charity-1");  // available first
  CHECK(std::string(s["partners"][1]["org"].GetString()) == "charity-2");  // then waitlist
  CHECK(h.send("GET", "/v1/exchanges/suggestions?queue=" + kQueue + "&item=" + item, "", h.baima)
            .status == 403);

  auto created = h.refer(item, "charity-1", std::string(",") + kConsent);
  REQUIRE(created.status == 201);
  std::string ex = json(created.body)["exchange"]["id"].GetString();
  auto no_reason = h.event(ex, R"({"status":"rejected"})", h.charity1);
  CHECK(no_reason.status == 409);
  CHECK(hasProblem(no_reason.body, "/reason"));
  REQUIRE(h.event(ex, R"({"status":"rejected","reason":"capacity"})", h.charity1).status == 200);
  auto shown = json(h.send("GET", "/v1/exchanges/" + ex, "", h.staff).body);
  CHECK(std::string(shown["exchange"]["state"].GetString()) == "rejected");
  REQUIRE(shown.HasMember("next_candidates"));
  REQUIRE(shown["next_candidates"].Size() == 1);
  CHECK(std::string(shown["next_candidates"][0]["org"].GetString()) == "charity-2");
}

TEST_CASE("a partner directory reloaded on SIGHUP applies to the next suggestion", "[exchange]") {
  Hub h;
  std::string item = h.newItem("t-1");
  auto suggested = [&] {
    auto r =
        h.send("GET", "/v1/exchanges/suggestions?queue=" + kQueue + "&item=" + item + "&need=food",
               "", h.staff);
    std::vector<std::string> orgs;
    auto doc = json(r.body);
    if (r.status == 200)
      for (const auto& p : doc["partners"].GetArray()) orgs.emplace_back(p["org"].GetString());
    return orgs;
  };
  REQUIRE(suggested() == std::vector<std::string>{"charity-1", "charity-2"});
  // charity-1 reports it is full: the county edits the directory and sends SIGHUP.
  std::string full = kPartners;
  const std::string was = R"("capacity": "available")";
  full.replace(full.find(was), was.size(), R"("capacity": "full")");
  h.d.writePartners(full);
  REQUIRE(::kill(h.d.pid(), SIGHUP) == 0);
  CHECK(waitUntil([&] { return h.d.log().find("event=partners_reloaded") != std::string::npos; },
                  5000));
  CHECK(waitUntil([&] { return suggested() == std::vector<std::string>{"charity-2"}; }, 5000));
}

TEST_CASE("bad exchange events are refused with every problem's path", "[exchange]") {
  Hub h;
  std::string item = h.newItem("t-1");
  auto created = h.refer(item, "charity-1", std::string(",") + kConsent);
  REQUIRE(created.status == 201);
  std::string ex = json(created.body)["exchange"]["id"].GetString();
  auto rejections = [&](const std::string& reason) {
    auto m = httpRequest(h.d.port(), "GET", "/metrics").body;
    std::string series = "xianjie_http_rejections_total{reason=\"" + reason + "\"} ";
    auto p = m.find(series);
    return p == std::string::npos ? -1.0 : std::stod(m.substr(p + series.size()));
  };
  const double invalid_before = rejections("invalid");
  const double malformed_before = rejections("malformed");
  REQUIRE(invalid_before >= 0);
  auto bad = h.event(ex, R"({"event":"explode","status":"done","colour":"red"})", h.charity1);
  CHECK(bad.status == 400);
  CHECK(hasProblem(bad.body, "/status"));
  CHECK(hasProblem(bad.body, "/colour"));
  auto none = h.event(ex, R"({"note":"x"})", h.charity1);
  CHECK(none.status == 400);
  CHECK(hasProblem(none.body, "/event"));
  auto garbage = h.event(ex, "{not json", h.charity1);
  CHECK(garbage.status == 400);
  CHECK(hasProblem(garbage.body, ""));
  // Counted like every other bad input.
  CHECK(rejections("invalid") == invalid_before + 2);
  CHECK(rejections("malformed") == malformed_before + 1);
  CHECK(h.send("POST", "/v1/exchanges/ex-999/events", R"({"event":"accept"})", h.charity1).status ==
        404);
  // Staff (the requester of an outbound exchange) may withdraw it with a reason.
  CHECK(h.event(ex, R"({"event":"cancel","reason":"moved away"})", h.staff).status == 200);
  std::string rows = h.outbox("charity-1");
  CHECK(rows.find("exchange.status|") != std::string::npos);
  CHECK(rows.find("\"state\":\"cancelled\"") != std::string::npos);
}

TEST_CASE("MQTT feedback: a charity reports on its exchange over the broker, as over HTTP",
          "[exchange_mqtt]") {
  Mosquitto broker;
  broker.start();
  Daemon d("", "", "",
           "\"uri\": \"" + broker.uri() + "\", \"client_id\": \"hub-" +
               std::to_string(broker.port()) + "\"");
  d.writePartners(kPartners);
  std::string hotline = d.token("hotline-1", "hotline");
  std::string staff = d.token("jiangnan-team", "staff", {kJiangnan});
  std::string charity1 = d.token("charity-1", "charity");
  d.token("charity-2", "charity");
  d.start();
  // Ready once the hub's broker connections are up (until then a report would wait unread).
  for (int i = 0; i < 200 && httpRequest(d.port(), "GET", "/readyz").status != 200; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  REQUIRE(httpRequest(d.port(), "GET", "/readyz").status == 200);
  auto send = [&](const std::string& method, const std::string& path, const std::string& body,
                  const std::string& token) {
    std::map<std::string, std::string> h{{"Authorization", "Bearer " + token}};
    if (!body.empty()) h["Content-Type"] = "application/json";
    return httpRequest(d.port(), method, path, body, h);
  };
  REQUIRE(send("POST", "/v1/tickets", ticket("t-1"), hotline).status == 202);
  std::string item = trim(
      d.sql("SELECT item_id FROM items WHERE queue='" + kQueue + "' ORDER BY item_id LIMIT 1"));
  auto created = send("POST", "/v1/exchanges",
                      R"({"queue":")" + kQueue + R"(","item":)" + item +
                          R"(,"partner":"charity-1","need":"food",)" + kConsent + "}",
                      staff);
  REQUIRE(created.status == 201);
  std::string ex = json(created.body)["exchange"]["id"].GetString();

  MqttTestClient c(broker.uri(), "charity-1-system");
  REQUIRE(c.connect());
  c.subscribe("xianjie/out/+/receipts");
  const std::string mine = "xianjie/in/charity/charity-1/feedback";
  auto report = [&](const std::string& id, const std::string& topic, const std::string& rest) {
    CHECK(c.publish(topic, R"({"id":")" + id + R"(","exchange":")" + ex + "\"," + rest + "}") == 0);
    REQUIRE(c.waitForReceipts({id}, 10000));
    return c.receipts()[id];
  };
  CHECK(report("fb-1", mine, R"("event":"accept","note":"收到")").status == "accepted");
  CHECK(report("fb-2", mine, R"("status":"in_progress")").status == "accepted");
  auto bad = report("fb-3", mine, R"("event":"complete")");
  CHECK(bad.status == "rejected");
  CHECK(bad.json.find("/outcome") != std::string::npos);
  auto other = report("fb-4", "xianjie/in/charity/charity-2/feedback",
                      R"("event":"complete","outcome":"x")");
  CHECK(other.status == "rejected");
  CHECK(other.json.find("no such exchange") != std::string::npos);
  auto done = report("fb-5", mine, R"("event":"complete","outcome":"送餐三个月")");
  CHECK(done.status == "accepted");
  CHECK(done.json.find("completed") != std::string::npos);

  auto shown = json(send("GET", "/v1/exchanges/" + ex, "", staff).body);
  REQUIRE(shown["timeline"].Size() == 4);
  CHECK(std::string(shown["timeline"][1]["actor"].GetString()) == "charity-1");
  CHECK(std::string(shown["timeline"][1]["note"].GetString()) == "收到");
  CHECK(std::string(shown["exchange"]["state"].GetString()) == "completed");
  // Civil affairs heard each move on the item's queue.
  CHECK(trim(d.sql("SELECT count(*) FROM queue_events WHERE item_id=" + item +
                   " AND type='exchange'")) == "4");
}

TEST_CASE("a partner that does not answer in time: the exchange is escalated and counted",
          "[exchange]") {
  Hub h;
  std::string item = h.newItem("t-1");
  auto created = h.refer(item, "charity-1", std::string(",") + kConsent);
  REQUIRE(created.status == 201);
  auto doc = json(created.body);
  std::string ex = doc["exchange"]["id"].GetString();
  REQUIRE(doc["exchange"].HasMember("answer_due"));  // 3 working days (charity-1's entry)
  std::string due = doc["exchange"]["answer_due"].GetString();
  CHECK(due > "2025-03-10");
  CHECK(due < "2025-03-20");
  // The day it is due nothing happens; two weeks on it is late.
  auto on_time = h.send("POST", "/v1/admin/faults", "sweep " + due, h.admin);
  REQUIRE(on_time.status == 200);
  CHECK(on_time.body.find("\"exchanges_overdue\":0") != std::string::npos);
  auto late = h.send("POST", "/v1/admin/faults", "sweep 2025-03-24", h.admin);
  REQUIRE(late.status == 200);
  CHECK(late.body.find("\"exchanges_overdue\":1") != std::string::npos);
  // Escalated once only.
  auto again = h.send("POST", "/v1/admin/faults", "sweep 2025-03-25", h.admin);
  CHECK(again.body.find("\"exchanges_overdue\":0") != std::string::npos);
  CHECK(trim(h.d.sql("SELECT count(*) FROM items WHERE category='exchange_overdue' AND "
                     "item_kind='follow_up' AND parent_item=" +
                     item)) == "1");
  auto shown = json(h.send("GET", "/v1/exchanges/" + ex, "", h.staff).body);
  REQUIRE(shown["timeline"].Size() == 2);
  CHECK(std::string(shown["timeline"][1]["event"].GetString()) == "overdue");
  auto before = httpRequest(h.d.port(), "GET", "/metrics").body;
  CHECK(before.find("xianjie_exchanges_overdue{partner=\"charity-1\",reason=\"answer\"} 1") !=
        std::string::npos);
  CHECK(before.find("xianjie_exchange_escalations_total{partner=\"charity-1\",reason=\"answer\"} "
                    "1") != std::string::npos);
  CHECK(before.find("xianjie_exchanges{state=\"requested\"} 1") != std::string::npos);
  // The partner answers: no longer overdue, and /metrics says so at once (the counts are
  // refreshed at every change of an exchange, not only by the sweep).
  REQUIRE(h.event(ex, R"({"event":"accept"})", h.charity1).status == 200);
  auto metrics = httpRequest(h.d.port(), "GET", "/metrics").body;
  CHECK(metrics.find("xianjie_exchanges_overdue{partner=\"charity-1\",reason=\"answer\"}") ==
        std::string::npos);
  CHECK(metrics.find("xianjie_exchanges{state=\"requested\"} 0") != std::string::npos);
  CHECK(metrics.find("xianjie_exchanges{state=\"accepted\"} 1") != std::string::npos);
}

TEST_CASE("exchanges by state in /metrics follow every change, before any sweep", "[exchange]") {
  Hub h;
  auto metrics = [&] { return httpRequest(h.d.port(), "GET", "/metrics").body; };
  std::string item = h.newItem("t-1");
  auto created = h.refer(item, "charity-1", std::string(",") + kConsent);
  REQUIRE(created.status == 201);
  std::string ex = json(created.body)["exchange"]["id"].GetString();
  CHECK(metrics().find("xianjie_exchanges{state=\"requested\"} 1") != std::string::npos);
  REQUIRE(h.event(ex, R"({"event":"accept"})", h.charity1).status == 200);
  REQUIRE(h.event(ex, R"({"status":"in_progress"})", h.charity1).status == 200);
  auto m = metrics();
  CHECK(m.find("xianjie_exchanges{state=\"accepted\"} 0") != std::string::npos);
  CHECK(m.find("xianjie_exchanges{state=\"in_progress\"} 1") != std::string::npos);
  // And after a restart, before any sweep (read back at start).
  h.d.terminate();
  h.d.start();
  CHECK(metrics().find("xianjie_exchanges{state=\"in_progress\"} 1") != std::string::npos);
}

// charity-p must report progress every 2 working days while it works on a referral.
const char* kProgressPartners = R"({
  "partners": [
    {"org": "charity-1", "name": "进度慈善会", "services": ["food"], "townships": ["*"],
     "capacity": "available", "channel": {"type": "poll"}, "accept_within_working_days": 3,
     "progress_every_working_days": 2}
  ]
})";

TEST_CASE(
    "a partner that reports no progress for its working days is escalated once per period, "
    "counted on the hub's calendar",
    "[exchange]") {
  Hub h(kProgressPartners);
  auto at = [&](const std::string& t) {
    REQUIRE(h.send("POST", "/v1/admin/faults", "clock " + t, h.admin).status == 200);
  };
  auto sweep = [&](const std::string& day) {
    auto r = h.send("POST", "/v1/admin/faults", "sweep " + day, h.admin);
    REQUIRE(r.status == 200);
    auto doc = json(r.body);
    REQUIRE(doc.HasMember("exchanges_progress_overdue"));
    return doc["exchanges_progress_overdue"].GetInt();
  };
  auto metrics = [&] { return httpRequest(h.d.port(), "GET", "/metrics").body; };
  const std::string gauge = "xianjie_exchanges_overdue{partner=\"charity-1\",reason=\"progress\"}";
  const std::string total =
      "xianjie_exchange_escalations_total{partner=\"charity-1\",reason=\"progress\"}";
  // Wednesday 2 April 2025; Friday 4 April is Qingming (a holiday), 5-6 the weekend.
  at("2025-04-02T02:00:00Z");
  std::string item = h.newItem("t-1");
  auto created = h.refer(item, "charity-1", std::string(",") + kConsent);
  REQUIRE(created.status == 201);
  std::string ex = json(created.body)["exchange"]["id"].GetString();
  // Requested: no progress is due before the partner takes it on.
  CHECK(sweep("2025-04-30") == 0);
  REQUIRE(h.event(ex, R"({"event":"accept"})", h.charity1).status == 200);
  // Two working days from Wednesday: Thursday 3rd, then Monday 7th (not Friday 4th, a holiday).
  CHECK(sweep("2025-04-07") == 0);
  CHECK(metrics().find(gauge) == std::string::npos);
  CHECK(sweep("2025-04-08") == 1);
  auto m = metrics();
  CHECK(m.find(gauge + " 1") != std::string::npos);
  CHECK(m.find(total + " 1") != std::string::npos);
  // Not again at every sweep: the next period runs from the escalation (due Thursday 10th).
  CHECK(sweep("2025-04-09") == 0);
  CHECK(sweep("2025-04-10") == 0);
  CHECK(sweep("2025-04-11") == 1);  // still silent: the second period is escalated too
  CHECK(metrics().find(total + " 2") != std::string::npos);
  CHECK(trim(h.d.sql("SELECT count(*) FROM items WHERE category='exchange_progress_overdue' AND "
                     "item_kind='follow_up' AND queue='county-task-force' AND parent_item=" +
                     item)) == "2");
  auto shown = json(h.send("GET", "/v1/exchanges/" + ex, "", h.staff).body);
  int rows = 0;
  for (const auto& t : shown["timeline"].GetArray())
    if (std::string(t["event"].GetString()) == "progress_overdue") ++rows;
  CHECK(rows == 2);
  // The partner reports on Monday 14th: not overdue any more (at once in /metrics), and its
  // next report is due two working days from then (Wednesday 16th), not from the escalation.
  at("2025-04-14T02:00:00Z");
  REQUIRE(h.event(ex, R"({"event":"note","note":"已上门"})", h.charity1).status == 200);
  CHECK(metrics().find(gauge) == std::string::npos);
  CHECK(sweep("2025-04-16") == 0);
  CHECK(sweep("2025-04-17") == 1);
  // Completed: nothing is due any more.
  REQUIRE(h.event(ex, R"({"event":"complete","outcome":"送餐"})", h.charity1).status == 200);
  CHECK(sweep("2025-05-30") == 0);
  CHECK(metrics().find(gauge) == std::string::npos);
  CHECK(metrics().find(total + " 3") != std::string::npos);
}

TEST_CASE("the exchange report gives the figures of a known scenario, as JSON and CSV",
          "[exchange]") {
  Hub h;
  // Two referrals out to charity-1 (one accepted 3 h later and completed, one rejected for
  // capacity), one in from charity-1 (verified: accepted when claimed, completed).
  std::string a = h.newItem("t-1");
  std::string b = h.newItem("t-2", "45122919800101002X", "13900000002");  // another family
  std::string ex1 =
      json(h.refer(a, "charity-1", std::string(",") + kConsent).body)["exchange"]["id"].GetString();
  std::string ex2 =
      json(h.refer(b, "charity-1", std::string(",") + kConsent).body)["exchange"]["id"].GetString();
  REQUIRE(h.send("POST", "/v1/admin/faults", "clock 2025-03-10T05:00:00Z", h.admin).status == 200);
  REQUIRE(h.event(ex1, R"({"event":"accept"})", h.charity1).status == 200);
  REQUIRE(h.event(ex1, R"({"event":"complete","outcome":"ok"})", h.charity1).status == 200);
  REQUIRE(h.event(ex2, R"({"event":"reject","reason":"capacity"})", h.charity1).status == 200);
  REQUIRE(h.send("POST", "/v1/referrals", referral("r-1", "charity-1", "45122919800101002X"),
                 h.charity1)
              .status == 202);
  std::string base = "/v1/queues/" + kQueue + "/items/" + h.itemOf("r-1");
  REQUIRE(h.send("POST", base + "/claim", "", h.staff).status == 200);
  REQUIRE(h.send("POST", base + "/resolve",
                 R"({"outcome":"temporary_aid_granted","reason_code":"emergency_need"})", h.staff)
              .status == 200);

  auto r = h.send("GET", "/v1/reports/exchanges?from=2025-03-10&to=2025-03-10", "", h.staff);
  REQUIRE(r.status == 200);
  auto doc = json(r.body);
  REQUIRE(doc["lines"].Size() == 1);
  const auto& l = doc["lines"][0];
  CHECK(std::string(l["township"].GetString()) == kJiangnan);
  CHECK(std::string(l["partner"].GetString()) == "charity-1");
  CHECK(l["sent"].GetInt() == 2);
  CHECK(l["received"].GetInt() == 1);
  CHECK(l["accepted"].GetInt() == 2);
  CHECK(l["mean_hours_to_accept"].GetDouble() == Approx(1.5));  // (3 h + 0 h) / 2
  CHECK(l["closed"].GetInt() == 3);
  CHECK(l["completed"].GetInt() == 2);
  CHECK(l["closure_rate"].GetDouble() == Approx(1.0));
  CHECK(l["rejected_reasons"]["capacity"].GetInt() == 1);
  auto csv =
      h.send("GET", "/v1/reports/exchanges?from=2025-03-10&to=2025-03-10&format=csv", "", h.staff);
  REQUIRE(csv.status == 200);
  CHECK(csv.headers["content-type"].rfind("text/csv", 0) == 0);
  CHECK(csv.body.find("451229205,\"charity-1\",2,1,2,1.5,3,2,1.000,\"capacity=1\",\"\"") !=
        std::string::npos);
  // Another day, another township's staff: nothing.
  CHECK(json(h.send("GET", "/v1/reports/exchanges?from=2025-03-11&to=2025-03-12", "", h.staff)
                 .body)["lines"]
            .Size() == 0);
  CHECK(json(h.send("GET", "/v1/reports/exchanges?from=2025-03-10&to=2025-03-10", "", h.baima)
                 .body)["lines"]
            .Size() == 0);
  auto bad = h.send("GET", "/v1/reports/exchanges?from=2025-13-01", "", h.staff);
  CHECK(bad.status == 400);
  CHECK(hasProblem(bad.body, "from"));
  CHECK(hasProblem(bad.body, "to"));
}

TEST_CASE(
    "both loops end to end: the webhook partner gets the referral and the outcome, its "
    "reports come back over MQTT",
    "[exchange_mqtt]") {
  // The real clock here: the receiver checks the signature's 300 s window against its own.
  const std::string secret = "secret-of-charity-1-0123456789abcdef";
  WebhookSink sink(secret);
  Mosquitto broker;
  broker.start();
  Daemon d("", "", "",
           "\"uri\": \"" + broker.uri() + "\", \"client_id\": \"hub-" +
               std::to_string(broker.port()) + "\"");
  std::string key = d.dir() + "/charity-1.key";
  writeSecretFile(key, secret + "\n");
  d.writePartners(R"({"partners": [{"org": "charity-1", "name": "一号", "services": ["food"],
    "townships": ["*"], "channel": {"type": "webhook", "url": ")" +
                  sink.url() + R"(", "secret_file": ")" + key + R"("}}]})");
  std::string hotline = d.token("hotline-1", "hotline");
  std::string staff = d.token("jiangnan-team", "staff", {kJiangnan});
  d.token("charity-1", "charity");
  d.start();
  for (int i = 0; i < 200 && httpRequest(d.port(), "GET", "/readyz").status != 200; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  REQUIRE(httpRequest(d.port(), "GET", "/readyz").status == 200);
  auto send = [&](const std::string& method, const std::string& path, const std::string& body,
                  const std::string& token) {
    std::map<std::string, std::string> h{{"Authorization", "Bearer " + token}};
    if (!body.empty()) h["Content-Type"] = "application/json";
    return httpRequest(d.port(), method, path, body, h);
  };
  auto kinds = [&](const std::string& ex) {
    std::vector<std::string> out;  // verified deliveries about `ex`, in arrival order
    for (const auto& r : sink.accepted())
      if (r.verified && r.body.find("\"exchange\":\"" + ex + "\"") != std::string::npos)
        out.push_back(r.kind + " " + r.body.substr(r.body.find("\"state\":")));
    return out;
  };
  MqttTestClient c(broker.uri(), "charity-1-system");
  REQUIRE(c.connect());
  c.subscribe("xianjie/out/+/receipts");

  // Loop 1: civil affairs refers a person out; the charity reports over MQTT.
  REQUIRE(send("POST", "/v1/tickets", ticket("t-1"), hotline).status == 202);
  std::string item = trim(
      d.sql("SELECT item_id FROM items WHERE queue='" + kQueue + "' ORDER BY item_id LIMIT 1"));
  auto created = send("POST", "/v1/exchanges",
                      R"({"queue":")" + kQueue + R"(","item":)" + item +
                          R"(,"partner":"charity-1","need":"food",)" + kConsent + "}",
                      staff);
  REQUIRE(created.status == 201);
  std::string out_ex = json(created.body)["exchange"]["id"].GetString();
  REQUIRE(sink.waitUntil([&] { return kinds(out_ex).size() == 1; }, std::chrono::seconds(10)));
  CHECK(kinds(out_ex)[0].rfind("exchange.referral", 0) == 0);
  CHECK(sink.accepted()[0].body.find(kIdNumber) == std::string::npos);  // minimised
  const std::string feedback = "xianjie/in/charity/charity-1/feedback";
  int n = 0;
  for (const char* rest : {R"("event":"accept")", R"("event":"start")",
                           R"("event":"complete","outcome":"送餐三个月")"}) {
    std::string id = "fb-" + std::to_string(++n);
    CHECK(c.publish(feedback,
                    R"({"id":")" + id + R"(","exchange":")" + out_ex + "\"," + rest + "}") == 0);
    REQUIRE(c.waitForReceipts({id}, 10000));
    CHECK(c.receipts()[id].status == "accepted");
  }
  // The originating side (civil affairs) has the outcome on the item it referred from.
  CHECK(trim(d.openedSql("SELECT count(*) FROM item_history WHERE item_id=" + item +
                         " AND action='exchange' AND xj_open(detail, 'item_history.detail') LIKE "
                         "'%outcome: 送餐三个月%'")) == "1");

  // Loop 2: the charity pushes a case in over MQTT; the staff's resolution goes back to it.
  CHECK(c.publish("xianjie/in/charity/charity-1/referrals",
                  referral("r-1", "charity-1", "45122919800101002X")) == 0);
  REQUIRE(c.waitForReceipts({"r-1"}, 10000));
  REQUIRE(c.receipts()["r-1"].status == "accepted");
  std::string in_item =
      trim(d.sql("SELECT i.item_id FROM items i JOIN messages m ON m.hub_seq = i.hub_seq WHERE "
                 "m.message_id='r-1' AND i.queue='" +
                 kQueue + "'"));
  REQUIRE(!in_item.empty());
  std::string in_ex =
      "ex-" + trim(d.sql("SELECT exchange_id FROM exchanges WHERE item_id=" + in_item +
                         " AND direction='inbound'"));
  const std::string base = "/v1/queues/" + kQueue + "/items/" + in_item;
  REQUIRE(send("POST", base + "/claim", "", staff).status == 200);
  REQUIRE(send("POST", base + "/resolve",
               R"({"outcome":"eligible_tekun","reason_code":"household_verified"})", staff)
              .status == 200);
  REQUIRE(sink.waitUntil([&] { return kinds(in_ex).size() == 3; }, std::chrono::seconds(10)));
  auto got = kinds(in_ex);
  INFO(got[0] << "\n" << got[1] << "\n" << got[2]);
  CHECK(got[0].rfind("exchange.status \"state\":\"received\"", 0) == 0);
  CHECK(got[1].rfind("exchange.status \"state\":\"accepted\"", 0) == 0);
  CHECK(got[2].rfind("exchange.outcome \"state\":\"completed\"", 0) == 0);
  CHECK(got[2].find("taken into category tekun") != std::string::npos);
  CHECK(got[2].find("\"your_id\":\"r-1\"") != std::string::npos);
}
