// One receipt for both transports: HTTP bodies and MQTT receipts come from
// the same codec, and a resend is answered with the original receipt (status accepted, marked
// duplicate), not with the message's current status.
#include <rapidjson/document.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <thread>
#include <vector>

#include "tests/integration/messages.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/json_doc.h"
#include "tests/support/mosquitto.h"
#include "tests/support/mqtt_client.h"

using namespace xj::test;

TEST_CASE("Receipts: one shape over HTTP and MQTT; a resend gets the original receipt",
          "[receipt]") {
  Mosquitto broker;
  broker.start();
  Daemon d("", "", "",
           "\"uri\": \"" + broker.uri() + "\", \"client_id\": \"hub-" +
               std::to_string(broker.port()) + "\"");
  std::string hotline = d.token("hotline-9", "hotline");
  std::map<std::string, std::string> auth = {{"Authorization", "Bearer " + hotline}};
  d.start();
  for (int i = 0; i < 400 && httpRequest(d.port(), "GET", "/readyz").status != 200; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  MqttTestClient c(broker.uri(), "pub-receipts");
  REQUIRE(c.connect());
  c.subscribe("xianjie/out/+/receipts");
  const std::string topic = "xianjie/in/hotline/hotline-9/tickets";

  // Over HTTP: the 202 body is the receipt itself.
  auto first = httpRequest(d.port(), "POST", "/v1/tickets", ticketJson("rc-1", "hotline-9"), auth);
  REQUIRE(first.status == 202);
  INFO(first.body);
  auto r1 = json(first.body);
  REQUIRE(r1.IsObject());
  for (const char* key : {"id", "status", "hub_id", "source", "kind", "received_at"})
    REQUIRE(r1.HasMember(key));
  CHECK(std::string(r1["id"].GetString()) == "rc-1");
  CHECK(std::string(r1["status"].GetString()) == "accepted");
  CHECK(std::string(r1["hub_id"].GetString()).rfind("xj-", 0) == 0);
  CHECK(r1.HasMember("received_at"));
  CHECK_FALSE(r1.HasMember("duplicate"));
  // The message has moved on (routed); GET shows that, beside the receipt as it was given.
  auto got = httpRequest(d.port(), "GET", "/v1/messages/rc-1", "", auth);
  REQUIRE(got.status == 200);
  auto g = json(got.body);
  REQUIRE((g.HasMember("status") && g.HasMember("receipt") && g["receipt"].HasMember("status")));
  CHECK(std::string(g["status"].GetString()) == "routed");
  CHECK(std::string(g["receipt"]["status"].GetString()) == "accepted");
  CHECK(std::string(g["receipt"]["hub_id"].GetString()) == r1["hub_id"].GetString());

  // A resend over HTTP: 200 with the original receipt, marked duplicate, not "routed".
  auto again = httpRequest(d.port(), "POST", "/v1/tickets", ticketJson("rc-1", "hotline-9"), auth);
  REQUIRE(again.status == 200);
  INFO(again.body);
  auto r2 = json(again.body);
  REQUIRE(r2.IsObject());
  for (const char* key : {"status", "duplicate", "hub_id", "received_at"})
    REQUIRE(r2.HasMember(key));
  CHECK(std::string(r2["status"].GetString()) == "accepted");
  CHECK(r2["duplicate"].IsTrue());
  CHECK(std::string(r2["hub_id"].GetString()) == r1["hub_id"].GetString());
  CHECK(std::string(r2["received_at"].GetString()) == r1["received_at"].GetString());

  // The same resend over MQTT gets the very same receipt.
  CHECK(c.publish(topic, ticketJson("rc-1", "hotline-9")) == 0);
  REQUIRE(c.waitForReceipts({"rc-1"}, 10000));
  auto m2 = json(c.receipts()["rc-1"].json);
  INFO(c.receipts()["rc-1"].json);
  CHECK(m2 == r2);

  // A first send over MQTT: the same shape as the HTTP 202 (same keys, same meaning).
  CHECK(c.publish(topic, ticketJson("rc-2", "hotline-9")) == 0);
  REQUIRE(c.waitForReceipts({"rc-2"}, 10000));
  auto m1 = json(c.receipts()["rc-2"].json);
  std::vector<std::string> http_keys, mqtt_keys;
  for (auto& kv : r1.GetObject()) http_keys.push_back(kv.name.GetString());
  for (auto& kv : m1.GetObject()) mqtt_keys.push_back(kv.name.GetString());
  CHECK(http_keys == mqtt_keys);
  CHECK(std::string(m1["status"].GetString()) == "accepted");

  // A conflict: the same receipt over both, naming the message that holds the id.
  auto changed =
      httpRequest(d.port(), "POST", "/v1/tickets", ticketJson("rc-1", "hotline-9", "变了"), auth);
  REQUIRE(changed.status == 409);
  auto r3 = json(changed.body);
  REQUIRE((r3.HasMember("status") && r3.HasMember("hub_id")));
  CHECK(std::string(r3["status"].GetString()) == "conflict");
  CHECK(std::string(r3["hub_id"].GetString()) == r1["hub_id"].GetString());
  CHECK(c.publish(topic, ticketJson("rc-1", "hotline-9", "变了")) == 0);
  for (int i = 0; i < 200 && c.receipts()["rc-1"].status != "conflict"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  CHECK(json(c.receipts()["rc-1"].json) == r3);
}
