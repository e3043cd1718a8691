// MQTT: who may publish and how much (issue 10, points 2 and 3), against a real mosquitto and the
// real daemon: revocation honoured by the hub itself, payload and pending limits at the Paho
// callback, retained messages ignored and receipts never retained.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "tests/integration/messages.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/mosquitto.h"
#include "tests/support/mqtt_client.h"

using namespace xj::test;

namespace {

const std::string kReferrals = "xianjie/in/charity/charity-9/referrals";
const std::string kTickets = "xianjie/in/hotline/hotline-9/tickets";

std::string mqttConfig(const Mosquitto& m, const std::string& extra = "") {
  return "\"uri\": \"" + m.uri() + "\", \"client_id\": \"hub-" + std::to_string(m.port()) + "\"" +
         extra;
}

bool waitReady(int port) {
  for (int i = 0; i < 400; ++i) {
    if (httpRequest(port, "GET", "/readyz").status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
}

// Polls `cond` every 10 ms until it holds or `ms` pass.
template <typename F>
bool waitFor(F cond, int ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cond();
}

std::string metrics(const Daemon& d) { return httpRequest(d.port(), "GET", "/metrics").body; }

bool hasLine(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("MQTT: after `token revoke` the hub itself refuses the org, as soon as HTTP does",
          "[mqtt_limits][revoke]") {
  Mosquitto broker;  // anonymous: the broker lets anyone publish, as a stale ACL snapshot would
  broker.start();
  Daemon d("", "", "", mqttConfig(broker));
  std::string token = d.token("charity-9", "charity");
  d.start();
  REQUIRE(waitReady(d.port()));
  MqttTestClient c(broker.uri(), "pub-revoke");
  REQUIRE(c.connect());
  c.subscribe("xianjie/out/+/receipts");
  // Active token: accepted.
  CHECK(c.publish(kReferrals, referralJson("rv-1", "charity-9")) == 0);
  REQUIRE(c.waitForReceipts({"rv-1"}, 10000));
  CHECK(c.receipts()["rv-1"].status == "accepted");

  // Revoke its only token; wait until HTTP refuses it (the registry refreshes once a second) and
  // publish over MQTT at once: refused as well, by the hub, though the broker let it through.
  const std::string auth = "Bearer " + token;
  const std::string token_id = token.substr(4, 12);
  int code = -1;
  runCommand(std::string(XJ_CLI) + " token revoke --config '" + d.configPath() + "' " + token_id +
                 " >/dev/null 2>&1",
             &code);
  REQUIRE(code == 0);
  auto revoked_at = std::chrono::steady_clock::now();
  REQUIRE(waitFor(
      [&] {
        return httpRequest(d.port(), "GET", "/v1/messages/rv-1", "", {{"Authorization", auth}})
                   .status == 401;
      },
      3000));
  INFO("HTTP refused the token after "
       << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                revoked_at)
              .count()
       << " ms");
  CHECK(c.publish(kReferrals, referralJson("rv-2", "charity-9")) == 0);
  REQUIRE(c.waitForReceipts({"rv-2"}, 10000));
  auto r = c.receipts()["rv-2"];
  INFO(r.json);
  CHECK(r.status == "rejected");
  CHECK(r.json.find("no active charity token") != std::string::npos);
  CHECK(r.json.find("hub_id") == std::string::npos);
  // No personal data in the refusal: not the ID number the message carried.
  CHECK(r.json.find("451229199011302426") == std::string::npos);
  CHECK(d.sql("SELECT count(*) FROM messages WHERE message_id='rv-2'") == "0\n");
  auto m = metrics(d);
  CHECK(hasLine(m, "xianjie_mqtt_rejections_total{reason=\"no_active_principal\"} 1"));
  CHECK(hasLine(m, "xianjie_mqtt_messages_total{kind=\"referral\",outcome=\"rejected\"} 1"));

  // A token of another role does not count: the topic's role is what must be active.
  std::string agency = d.token("charity-9", "agency");
  REQUIRE(waitFor(  // the refresher has read it once HTTP takes it
      [&] {
        return httpRequest(d.port(), "GET", "/v1/messages/rv-1", "",
                           {{"Authorization", "Bearer " + agency}})
                   .status != 401;
      },
      3000));
  CHECK(c.publish(kReferrals, referralJson("rv-3", "charity-9")) == 0);
  REQUIRE(c.waitForReceipts({"rv-3"}, 10000));
  CHECK(c.receipts()["rv-3"].status == "rejected");
  // A new charity token lets it in again, as soon as the refresher has read it.
  d.token("charity-9", "charity");
  int round = 0;
  CHECK(waitFor(
      [&] {
        std::string id = "rv-new-" + std::to_string(round++);
        c.publish(kReferrals, referralJson(id, "charity-9"));
        return c.waitForReceipts({id}, 5000) && c.receipts()[id].status == "accepted";
      },
      5000));
}
