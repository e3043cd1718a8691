// MQTT: who may publish and how much, against a real mosquitto and the
// real daemon: revocation honoured by the hub itself, payload and pending limits at the Paho
// callback, retained messages ignored and receipts never retained.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
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
  INFO("HTTP refused the token after " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                              std::chrono::steady_clock::now() - revoked_at)
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

namespace {

// `xianjie mqtt-acl` on a daemon's principals: the directory with acl and passwd for the shipped
// mosquitto configuration, and every user's password.
std::map<std::string, std::string> writeAcl(const Daemon& d, const std::string& dir) {
  int code = 0;
  std::string out = runCommand(std::string(XJ_CLI) + " mqtt-acl --config '" + d.configPath() +
                                   "' --out '" + dir + "' 2>/dev/null",
                               &code);
  REQUIRE(code == 0);
  std::map<std::string, std::string> pw;
  for (size_t pos = 0; pos < out.size();) {
    size_t e = out.find('\n', pos);
    std::string line = out.substr(pos, e - pos);
    pw[line.substr(0, line.find(' '))] = line.substr(line.find(' ') + 1);
    pos = e + 1;
  }
  return pw;
}

}  // namespace

TEST_CASE("MQTT: a payload over the limit is refused at the callback, and the broker stops larger",
          "[mqtt_limits][size]") {
  Daemon d("", "", "", "");  // only to make principals and the broker's files
  d.token("hotline-9", "hotline");
  std::string acl_dir = d.dir() + "/mosquitto";
  auto pw = writeAcl(d, acl_dir);
  REQUIRE(pw.count("hotline-9"));
  Mosquitto broker(acl_dir);  // the shipped mosquitto.conf
  broker.start();
  Daemon hub(
      "", "", "",
      mqttConfig(broker, ", \"username\": \"xianjied\", \"password\": \"" + pw["xianjied"] + "\""));
  runCommand("cp '" + d.dbPath() + "' '" + hub.dbPath() + "'");
  hub.start();
  REQUIRE(waitReady(hub.port()));
  MqttTestClient c(broker.uri(), "hotline-9-client", "hotline-9", pw["hotline-9"]);
  REQUIRE(c.connect());
  c.subscribe("xianjie/out/hotline-9/#");

  // 70 KB: over the hub's 64 KiB, under the broker's 256 KiB. Refused unread, named, counted.
  CHECK(c.publish(kTickets, ticketJson("big-1", "hotline-9", std::string(70'000, 'x'))) == 0);
  // One under the limit alongside, accepted: the limit is on size, not on the sender.
  CHECK(c.publish(kTickets, ticketJson("fits-1", "hotline-9")) == 0);
  REQUIRE(c.waitForReceipts({"big-1", "fits-1"}, 10000));
  auto r = c.receipts();
  INFO(r["big-1"].json);
  CHECK(r["big-1"].status == "rejected");
  CHECK(r["big-1"].json.find("payload too large") != std::string::npos);
  CHECK(r["fits-1"].status == "accepted");
  CHECK(hub.sql("SELECT count(*) FROM messages WHERE message_id='big-1'") == "0\n");
  auto m = metrics(hub);
  CHECK(hasLine(m, "xianjie_mqtt_rejections_total{reason=\"payload_too_large\"} 1"));
  CHECK(hasLine(m, "xianjie_mqtt_messages_total{kind=\"ticket\",outcome=\"rejected\"} 1"));

  // 300 KB: the shipped broker refuses it (MQTT 5 PUBACK reason 149, packet too large); the hub
  // never sees it.
  int rc = c.publish(kTickets, ticketJson("huge-1", "hotline-9", std::string(300'000, 'x')));
  CHECK(rc == 149);
  // The next message gets its receipt, and the huge one none: it never reached the hub.
  CHECK(c.publish(kTickets, ticketJson("after-1", "hotline-9")) == 0);
  REQUIRE(c.waitForReceipts({"after-1"}, 10000));
  CHECK(c.receipts().count("huge-1") == 0);
  CHECK(hasLine(metrics(hub), "xianjie_mqtt_rejections_total{reason=\"payload_too_large\"} 1"));
}

TEST_CASE("MQTT: what is pending at the callback is bounded in messages and in bytes",
          "[mqtt_limits][pending]") {
  Mosquitto broker;
  broker.start();
  // Pending payload bytes for three and a half tickets: three are held, the rest refused at
  // once; max_pending (50) is not what bounds them.
  const std::string pad(600, 'x');
  const size_t size = ticketJson("pb-0", "hotline-9", pad).size();
  Daemon d(R"("fault_injection": true)", "", "",
           mqttConfig(broker, R"(, "max_pending": 50, "max_pending_bytes": )" +
                                  std::to_string(size * 7 / 2)));
  d.token("hotline-9", "hotline");
  std::string admin = d.token("county", "admin");
  d.start();
  REQUIRE(waitReady(d.port()));
  auto fault = [&](const std::string& what) {
    return httpRequest(d.port(), "POST", "/v1/admin/faults", what,
                       {{"Authorization", "Bearer " + admin}})
        .status;
  };
  MqttTestClient c(broker.uri(), "pub-pending");
  REQUIRE(c.connect());
  c.subscribe("xianjie/out/+/receipts");
  // The writer paused: what the hub takes stays pending until it is resumed.
  REQUIRE(fault("pause") == 200);
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) {
    ids.push_back("pb-" + std::to_string(i));
    c.publish(kTickets, ticketJson(ids.back(), "hotline-9", pad), "", "", false);
  }
  // Beyond the byte bound, `unavailable` at once, though nothing is committed yet.
  CHECK(waitFor(
      [&] {
        int unavailable = 0;
        for (const auto& [id, r] : c.receipts()) unavailable += r.status == "unavailable";
        return unavailable == 7;
      },
      10000));
  CHECK(hasLine(metrics(d), "xianjie_mqtt_pending 3"));
  CHECK(hasLine(metrics(d),
                "xianjie_mqtt_messages_total{kind=\"ticket\",outcome=\"unavailable\"} 7"));
  REQUIRE(fault("resume") == 200);
  CHECK(waitFor(
      [&] {
        int accepted = 0;
        for (const auto& [id, r] : c.receipts()) accepted += r.status == "accepted";
        return accepted == 3;
      },
      10000));
  CHECK(d.sql("SELECT count(*) FROM messages") == "3\n");
  CHECK(waitFor([&] { return hasLine(metrics(d), "xianjie_mqtt_pending_bytes 0"); }, 5000));
}

TEST_CASE("MQTT: pending is bounded in messages too", "[mqtt_limits][pending]") {
  Mosquitto broker;
  broker.start();
  Daemon d(R"("fault_injection": true)", "", "", mqttConfig(broker, R"(, "max_pending": 2)"));
  d.token("hotline-9", "hotline");
  std::string admin = d.token("county", "admin");
  d.start();
  REQUIRE(waitReady(d.port()));
  MqttTestClient c(broker.uri(), "pub-pending-n");
  REQUIRE(c.connect());
  c.subscribe("xianjie/out/+/receipts");
  REQUIRE(httpRequest(d.port(), "POST", "/v1/admin/faults", "pause",
                      {{"Authorization", "Bearer " + admin}})
              .status == 200);
  for (int i = 0; i < 6; ++i)
    c.publish(kTickets, ticketJson("pn-" + std::to_string(i), "hotline-9"), "", "", false);
  CHECK(waitFor(
      [&] {
        int unavailable = 0;
        for (const auto& [id, r] : c.receipts()) unavailable += r.status == "unavailable";
        return unavailable == 4;
      },
      10000));
  CHECK(hasLine(metrics(d), "xianjie_mqtt_pending 2"));
}

TEST_CASE("MQTT: retained messages the broker replays are ignored; receipts are never retained",
          "[mqtt_limits][retained]") {
  Mosquitto broker;
  broker.start();
  // Published retained before the hub ever subscribed: the broker hands it over (retain flag
  // set) when the hub subscribes. The hub ignores it and counts it.
  MqttTestClient c(broker.uri(), "pub-retained");
  REQUIRE(c.connect());
  c.subscribe("xianjie/out/+/receipts");
  CHECK(c.publish(kTickets, ticketJson("ret-1", "hotline-9"), "", "", true, true) == 0);
  Daemon d("", "", "", mqttConfig(broker));
  d.token("hotline-9", "hotline");
  d.start();
  REQUIRE(waitReady(d.port()));
  CHECK(
      waitFor([&] { return hasLine(metrics(d), "xianjie_mqtt_retained_ignored_total 1"); }, 5000));
  // A later message is answered; the replay never was, nor stored.
  CHECK(c.publish(kTickets, ticketJson("live-1", "hotline-9")) == 0);
  REQUIRE(c.waitForReceipts({"live-1"}, 10000));
  CHECK(c.receipts().count("ret-1") == 0);
  CHECK(d.sql("SELECT count(*) FROM messages WHERE message_id='ret-1'") == "0\n");

  // No receipt is retained: a subscriber that comes later gets, first, the receipt of a message
  // sent after it subscribed (a retained one would arrive at once, on subscribing).
  MqttTestClient late(broker.uri(), "late-reader");
  REQUIRE(late.connect());
  late.subscribe("xianjie/out/#");
  CHECK(c.publish(kTickets, ticketJson("live-2", "hotline-9")) == 0);
  REQUIRE(late.waitForReceipts({"live-2"}, 10000));
  auto seen = late.receipts();
  CHECK(seen.size() == 1);
  for (const auto& [id, r] : seen) CHECK_FALSE(r.retained);
}
