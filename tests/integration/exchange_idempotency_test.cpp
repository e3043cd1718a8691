// Exchange events named by an event id are applied once: a resend (HTTP with Idempotency-Key or
// an `id` field, MQTT feedback with its `id`) answers what the first one was answered and changes
// nothing, even after later events; the same id with another event is a conflict. Publishers
// resend until they hold a receipt, so without this a partner reverses its own moves.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "tests/support/api_fixtures.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/json_doc.h"
#include "tests/support/mosquitto.h"
#include "tests/support/mqtt_client.h"

using namespace xj::test;

namespace {

const std::string kJiangnan = "451229205";
const std::string kQueue = "township-451229205";

const char* kConsent =
    R"("consent":{"recorded":true,"by":"韦社工","at":"2025-03-10T10:00:00+08:00","method":"written"})";

std::string ticket(const std::string& id) {
  return R"({"id":")" + id +
         R"(","kind":"ticket","source":"hotline-1","occurred_at":"2025-03-10T09:30:00+08:00","subject":{"name":"韦测试","id_number":"451229199011302426","phone":"13900000001","township":")" +
         kJiangnan +
         R"(","village":"测试村"},"body":{"category":"dibao","urgency":"normal","description":"需要食物"}})";
}

// A ticket referred out to charity-1 by staff; returns the exchange id.
std::string referOut(Daemon& d, const std::string& hotline, const std::string& staff) {
  REQUIRE(send(d, "POST", "/v1/tickets", ticket("t-1"), hotline).status == 202);
  std::string item = trim(
      d.sql("SELECT item_id FROM items WHERE queue='" + kQueue + "' ORDER BY item_id LIMIT 1"));
  REQUIRE(!item.empty());
  auto created = send(d, "POST", "/v1/exchanges",
                      R"({"queue":")" + kQueue + R"(","item":)" + item +
                          R"(,"partner":"charity-1","need":"food",)" + kConsent + "}",
                      staff);
  REQUIRE(created.status == 201);
  return json(created.body)["exchange"]["id"].GetString();
}

std::string timelineCount(Daemon& d, const std::string& ex, const std::string& event) {
  return trim(d.sql("SELECT count(*) FROM exchange_timeline WHERE exchange_id=" + ex.substr(3) +
                    " AND event='" + event + "'"));
}

}  // namespace

TEST_CASE("HTTP: an exchange event resent with its id is stored once and answered as before",
          "[exchange]") {
  Daemon d;
  d.writePartners(kOneCharityPartners);
  std::string hotline = d.token("hotline-1", "hotline");
  std::string staff = d.token("jiangnan-team", "staff", {kJiangnan});
  std::string charity = d.token("charity-1", "charity");
  d.start();
  std::string ex = referOut(d, hotline, staff);
  const std::string path = "/v1/exchanges/" + ex + "/events";
  const std::string note = R"({"event":"note","note":"已电话联系"})";

  auto first = send(d, "POST", path, note, charity, "note-1");
  REQUIRE(first.status == 200);
  // A later move, then the same note again (by header, then by the body's id): the original
  // answer (state requested), and still one note.
  REQUIRE(send(d, "POST", path, R"({"event":"accept"})", charity).status == 200);
  auto again = send(d, "POST", path, note, charity, "note-1");
  CHECK(again.status == 200);
  CHECK(again.body == first.body);
  auto by_body =
      send(d, "POST", path, R"({"id":"note-1","event":"note","note":"已电话联系"})", charity);
  CHECK(by_body.status == 200);
  CHECK(by_body.body == first.body);
  CHECK(timelineCount(d, ex, "note") == "1");

  // The same id with another event: a conflict, nothing stored.
  auto other = send(d, "POST", path, R"({"event":"note","note":"另一条"})", charity, "note-1");
  CHECK(other.status == 409);
  CHECK(other.body.find("idempotency") != std::string::npos);
  CHECK(timelineCount(d, ex, "note") == "1");
  // Header and body naming different ids: refused before anything is looked up.
  auto both =
      send(d, "POST", path, R"({"id":"note-2","event":"note","note":"x"})", charity, "note-3");
  CHECK(both.status == 400);
  CHECK(both.body.find("/id") != std::string::npos);
  // Without an id nothing is deduplicated: two notes.
  REQUIRE(send(d, "POST", path, R"({"event":"note","note":"无编号"})", charity).status == 200);
  REQUIRE(send(d, "POST", path, R"({"event":"note","note":"无编号"})", charity).status == 200);
  CHECK(timelineCount(d, ex, "note") == "3");
}

TEST_CASE("MQTT: a resent hold after a resume answers the original receipt and changes nothing",
          "[exchange_mqtt]") {
  Mosquitto broker;
  broker.start();
  Daemon d("", "", "",
           "\"uri\": \"" + broker.uri() + "\", \"client_id\": \"hub-" +
               std::to_string(broker.port()) + "\"");
  d.writePartners(kOneCharityPartners);
  std::string hotline = d.token("hotline-1", "hotline");
  std::string staff = d.token("jiangnan-team", "staff", {kJiangnan});
  d.token("charity-1", "charity");
  d.start();
  for (int i = 0; i < 200 && httpRequest(d.port(), "GET", "/readyz").status != 200; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  REQUIRE(httpRequest(d.port(), "GET", "/readyz").status == 200);
  std::string ex = referOut(d, hotline, staff);

  MqttTestClient c(broker.uri(), "charity-1-system");
  REQUIRE(c.connect());
  c.subscribe("xianjie/out/+/receipts");
  const std::string topic = "xianjie/in/charity/charity-1/feedback";
  // Publishes one report and waits for one more receipt; returns the receipt for `id`.
  auto report = [&](const std::string& id, const std::string& rest) {
    const size_t before = c.receiptCount();
    CHECK(c.publish(topic, R"({"id":")" + id + R"(","exchange":")" + ex + "\"," + rest + "}") == 0);
    for (int i = 0; i < 400 && c.receiptCount() == before; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    REQUIRE(c.receiptCount() > before);
    return c.receipts()[id];
  };
  REQUIRE(report("fb-accept", R"("event":"accept")").status == "accepted");
  REQUIRE(report("fb-start", R"("event":"start")").status == "accepted");
  auto hold = report("fb-hold", R"("event":"hold","reason":"住院")");
  REQUIRE(hold.status == "accepted");
  REQUIRE(report("fb-resume", R"("event":"resume")").status == "accepted");

  auto resent = report("fb-hold", R"("event":"hold","reason":"住院")");
  CHECK(resent.status == "accepted");
  CHECK(resent.json == hold.json);  // "ex-N is on_hold", as the first time
  auto shown = json(send(d, "GET", "/v1/exchanges/" + ex, "", staff).body);
  CHECK(std::string(shown["exchange"]["state"].GetString()) == "in_progress");
  CHECK(timelineCount(d, ex, "hold") == "1");

  auto reused = report("fb-hold", R"("event":"complete","outcome":"x")");
  CHECK(reused.status == "conflict");
  CHECK(reused.json.find("/id") != std::string::npos);
  CHECK(timelineCount(d, ex, "complete") == "0");
}
