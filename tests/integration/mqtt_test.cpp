// MQTT adapter against a real mosquitto started here on a free port.
#include <catch2/catch.hpp>

#include <atomic>
#include <random>
#include <set>
#include <thread>

#include "tests/integration/messages.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/mosquitto.h"
#include "tests/support/mqtt_client.h"
#include "tests/support/test_env.h"

using namespace xj::test;

namespace {

std::string mqttConfig(const Mosquitto& m, const std::string& extra = "") {
  return "\"uri\": \"" + m.uri() + "\", \"client_id\": \"hub-" + std::to_string(m.port()) + "\"" +
         extra;
}

const std::string kTickets = "xianjie/in/hotline/hotline-1/tickets";
const std::string kReferrals = "xianjie/in/charity/charity-1/referrals";
const std::string kNotifications = "xianjie/in/agency/yibao/notifications";

// The hub refuses MQTT messages from an organisation without an active token of the topic's
// role (a revoked org may still hold a broker password): give the test orgs theirs.
void mqttPrincipals(Daemon& d) {
  d.token("hotline-1", "hotline");
  d.token("hotline-2", "hotline");
  d.token("charity-1", "charity");
  d.token("yibao", "agency");
}

bool waitReady(int port) {
  for (int i = 0; i < 200; ++i) {
    if (httpRequest(port, "GET", "/readyz").status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
}

// What a publisher must do: resend every message that holds no receipt (or only "unavailable")
// until all hold one. Returns whether they all do.
bool resendUntilReceipted(MqttTestClient& c, const std::vector<std::string>& ids, int rounds) {
  for (int round = 0; round < rounds; ++round) {
    if (c.waitForReceipts(ids, 3000)) return true;
    auto got = c.receipts();
    for (const auto& id : ids)
      if (!got.count(id) || got[id].status == "unavailable")
        c.publish(kTickets, ticketJson(id, "hotline-1"), "", "", false);
  }
  return c.waitForReceipts(ids, 5000);
}

std::set<std::string> storedIds(const Daemon& d) {
  std::string list = d.sql("SELECT message_id FROM messages");
  std::set<std::string> out;
  for (size_t pos = 0; pos < list.size();) {
    size_t e = list.find('\n', pos);
    out.insert(list.substr(pos, e - pos));
    pos = e + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("MQTT: each kind is stored before its receipt is published", "[mqtt]") {
  Mosquitto broker;
  broker.start();
  Daemon d("", "", "", mqttConfig(broker));
  mqttPrincipals(d);
  d.start();
  REQUIRE(waitReady(d.port()));
  MqttTestClient c(broker.uri(), "pub-kinds");
  REQUIRE(c.connect());
  c.subscribe("xianjie/out/+/receipts");
  c.subscribe("xianjie/out/charity-1/replies/#");
  CHECK(c.publish(kTickets, ticketJson("m-t", "hotline-1")) == 0);
  CHECK(c.publish(kReferrals, referralJson("m-r", "charity-1"), "xianjie/out/charity-1/replies/7",
                  "corr-42") == 0);
  CHECK(c.publish(kNotifications, notificationJson("m-n", "yibao")) == 0);
  REQUIRE(c.waitForReceipts({"m-t", "m-r", "m-n"}, 10000));
  auto r = c.receipts();
  for (const char* id : {"m-t", "m-r", "m-n"}) {
    INFO(id << " " << r[id].json);
    CHECK(r[id].status == "accepted");
    CHECK(r[id].hub_id.rfind("xj-", 0) == 0);
    // The receipt came after the commit: the row is there.
    CHECK(d.sql(std::string("SELECT count(*) FROM messages WHERE message_id='") + id + "'") ==
          "1\n");
  }
  CHECK(r["m-r"].correlation == "corr-42");  // MQTT 5 response topic + correlation data
  // A response topic outside the sender's own out/{org}/ is not used: the receipt goes to the
  // default topic, so nobody can make the hub write into another org's topics.
  MqttTestClient spy(broker.uri(), "spy");
  REQUIRE(spy.connect());
  spy.subscribe("xianjie/in/hotline/other/#");
  CHECK(c.publish(kTickets, ticketJson("m-evil", "hotline-1"),
                  "xianjie/in/hotline/other/tickets") == 0);
  REQUIRE(c.waitForReceipts({"m-evil"}, 10000));
  CHECK(spy.receiptCount() == 0);
  CHECK(httpRequest(d.port(), "GET", "/metrics")
            .body.find("xianjie_mqtt_response_topics_refused_total 1") != std::string::npos);
  auto metrics = httpRequest(d.port(), "GET", "/metrics").body;
  CHECK(metrics.find("xianjie_mqtt_messages_total{kind=\"ticket\",outcome=\"accepted\"} 2") !=
        std::string::npos);
  CHECK(metrics.find("xianjie_mqtt_connected 1") != std::string::npos);
}

TEST_CASE("HTTP 202 and MQTT receipt only after the commit: none while the writer is paused",
          "[mqtt][commit]") {
  Mosquitto broker;
  broker.start();
  Daemon d(R"("fault_injection": true)", "", "", mqttConfig(broker));
  mqttPrincipals(d);
  std::string hotline = d.token("hotline-1", "hotline");
  std::string admin = d.token("bureau", "admin");
  d.start();
  REQUIRE(waitReady(d.port()));
  auto fault = [&](const std::string& what) {
    return httpRequest(d.port(), "POST", "/v1/admin/faults", what,
                       {{"Authorization", "Bearer " + admin}})
        .status;
  };
  auto rows = [&](const std::string& id) {
    return d.sql("SELECT count(*) FROM messages WHERE message_id='" + id + "'");
  };
  MqttTestClient c(broker.uri(), "pub-commit");
  REQUIRE(c.connect());
  c.subscribe("xianjie/out/+/receipts");
  REQUIRE(fault("pause") == 200);
  // The POST's answer and the state of its row the moment the answer came.
  std::atomic<int> http_status{0};
  std::string row_at_answer;
  std::thread poster([&] {
    auto r = httpRequest(d.port(), "POST", "/v1/tickets", ticketJson("commit-http", "hotline-1"),
                         {{"Authorization", "Bearer " + hotline}});
    row_at_answer = rows("commit-http");
    http_status = r.status;
  });
  CHECK(c.publish(kTickets, ticketJson("commit-mqtt", "hotline-1")) == 0);  // PUBACK: not a receipt
  // Both wait in the writer's queue...
  CHECK(waitUntil([&] { return metricValue(d.port(), "xianjie_store_ingest_queue_depth") == 2.0; },
                  10000));
  // ...and, for as long as it stays paused, neither is answered nor stored.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(http_status.load() == 0);
  CHECK(c.receipts().count("commit-mqtt") == 0);
  CHECK(rows("commit-http") == "0\n");
  CHECK(rows("commit-mqtt") == "0\n");
  REQUIRE(fault("resume") == 200);
  REQUIRE(c.waitForReceipts({"commit-mqtt"}, 10000));
  CHECK(rows("commit-mqtt") == "1\n");  // the receipt came after the commit
  poster.join();
  CHECK(http_status.load() == 202);
  CHECK(row_at_answer == "1\n");  // so did the 202
  CHECK(c.receipts()["commit-mqtt"].status == "accepted");
}

TEST_CASE("MQTT: bad payloads get rejection receipts listing every problem", "[mqtt]") {
  Mosquitto broker;
  broker.start();
  Daemon d("", "", "", mqttConfig(broker));
  mqttPrincipals(d);
  d.start();
  REQUIRE(waitReady(d.port()));
  MqttTestClient c(broker.uri(), "pub-bad");
  REQUIRE(c.connect());
  c.subscribe("xianjie/out/+/receipts");
  struct Bad {
    std::string id, payload, expect;
  };
  std::string bad_id = ticketJson("b-checksum", "hotline-1");
  bad_id.replace(bad_id.find("451229195703081312"), 18, "451229195703081313");
  std::string bad_town = ticketJson("b-town", "hotline-1");
  bad_town.replace(bad_town.find("451229205"), 9, "451229999");
  std::string bad_date = ticketJson("b-date", "hotline-1");
  bad_date.replace(bad_date.find("2025-03-10T09:30:00+08:00"), 25, "2025-02-30T09:30:00+08:00");
  std::string bad_utf8 = ticketJson("b-utf8", "hotline-1", "x\xC3\x28y");
  std::string wrong_types =
      R"({"id":"b-types","kind":"ticket","source":"hotline-1","occurred_at":5,"subject":{"township":1},"body":{"category":"dibao","urgency":"high","description":"x","extra":true}})";
  std::vector<Bad> cases = {{"b-checksum", bad_id, "/subject/id_number"},
                            {"b-town", bad_town, "/subject/township"},
                            {"b-date", bad_date, "/occurred_at"},
                            {"b-types", wrong_types, "/body/extra"},
                            {"b-utf8", bad_utf8, "UTF-8"}};
  for (const auto& b : cases) c.publish(kTickets, b.payload);
  std::vector<std::string> ids;
  for (const auto& b : cases) ids.push_back(b.id);
  REQUIRE(c.waitForReceipts(ids, 10000));
  auto r = c.receipts();
  for (const auto& b : cases) {
    INFO(b.id << " " << r[b.id].json);
    CHECK(r[b.id].status == "rejected");
    CHECK(r[b.id].json.find(b.expect) != std::string::npos);
  }
  CHECK(r["b-types"].json.find("/occurred_at") != std::string::npos);
  CHECK(r["b-types"].json.find("/subject/township") != std::string::npos);
  // Malformed JSON and nesting too deep: rejected (the id is unknown, so null), the hub lives on.
  size_t before = c.receiptCount();
  c.publish(kTickets, "{\"id\": ");
  c.publish(kTickets, std::string(500, '[') + std::string(500, ']'));
  c.publish("xianjie/in/charity/hotline-1/tickets", ticketJson("wrong-topic", "hotline-1"));
  for (int i = 0; i < 100 && c.receiptCount() < before + 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(c.receiptCount() >= before + 3);
  CHECK(d.sql("SELECT count(*) FROM messages") == "0\n");
  CHECK(httpRequest(d.port(), "GET", "/healthz").status == 200);
}

TEST_CASE(
    "MQTT: a resend gets the original receipt, a changed body a conflict, a spoofed source a "
    "rejection",
    "[mqtt]") {
  Mosquitto broker;
  broker.start();
  Daemon d("", "", "", mqttConfig(broker));
  mqttPrincipals(d);
  d.start();
  REQUIRE(waitReady(d.port()));
  MqttTestClient c(broker.uri(), "pub-idem");
  REQUIRE(c.connect());
  c.subscribe("xianjie/out/+/receipts");
  c.publish(kTickets, ticketJson("same", "hotline-1"));
  REQUIRE(c.waitForReceipts({"same"}, 10000));
  std::string hub_id = c.receipts()["same"].hub_id;
  c.publish(kTickets, ticketJson("same", "hotline-1"));
  for (int i = 0; i < 100 && !c.receipts()["same"].duplicate; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(c.receipts()["same"].duplicate);  // the original receipt: accepted, marked duplicate
  CHECK(c.receipts()["same"].status == "accepted");
  CHECK(c.receipts()["same"].hub_id == hub_id);
  c.publish(kTickets, ticketJson("same", "hotline-1", "变了"));
  for (int i = 0; i < 100 && c.receipts()["same"].status != "conflict"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(c.receipts()["same"].status == "conflict");
  c.publish(kTickets, ticketJson("spoof", "hotline-2"));  // topic org hotline-1, source hotline-2
  REQUIRE(c.waitForReceipts({"spoof"}, 10000));
  CHECK(c.receipts()["spoof"].status == "rejected");
  CHECK(c.receipts()["spoof"].json.find("/source") != std::string::npos);
  CHECK(d.sql("SELECT count(*) FROM messages") == "1\n");
}

TEST_CASE("MQTT: the shipped ACL lets an org publish only under its own topics", "[mqtt][acl]") {
  Daemon d;  // only to make tokens and run `xianjie mqtt-acl` with its config
  d.token("charity-1", "charity");
  d.token("charity-2", "charity");
  std::string acl_dir = d.dir() + "/mosquitto";
  // The hub's own MQTT password goes in the config; mqtt-acl then writes everyone's. It writes
  // the password file itself (no mosquitto_passwd on PATH here: no password ever in an argv).
  int code = 0;
  std::string out =
      runCommand("env PATH=/nonexistent " + std::string(XJ_CLI) + " mqtt-acl --config '" +
                     d.configPath() + "' --out '" + acl_dir + "' 2>/dev/null",
                 &code);
  REQUIRE(code == 0);
  std::string passwd = runCommand("cat '" + acl_dir + "/passwd'");
  CHECK(passwd.find("charity-1:$7$1000$") != std::string::npos);
  CHECK(runCommand("stat -c %a '" + acl_dir + "/passwd'") == "600\n");
  std::map<std::string, std::string> pw;
  for (size_t pos = 0; pos < out.size();) {
    size_t e = out.find('\n', pos);
    std::string line = out.substr(pos, e - pos);
    pw[line.substr(0, line.find(' '))] = line.substr(line.find(' ') + 1);
    pos = e + 1;
  }
  REQUIRE(pw.count("xianjied"));
  REQUIRE(pw.count("charity-1"));
  CHECK(passwd.find(pw["charity-1"]) == std::string::npos);  // only hashes in the file
  Mosquitto broker(acl_dir);
  broker.start();
  Daemon hub(
      "", "", "",
      mqttConfig(broker, ", \"username\": \"xianjied\", \"password\": \"" + pw["xianjied"] + "\""));
  runCommand("cp '" + d.dbPath() + "' '" + hub.dbPath() + "'");
  hub.start();
  REQUIRE(waitReady(hub.port()));
  MqttTestClient c1(broker.uri(), "charity-1-client", "charity-1", pw["charity-1"]);
  REQUIRE(c1.connect());
  c1.subscribe("xianjie/out/charity-1/#");
  // Its own topic: accepted.
  CHECK(c1.publish(kReferrals, referralJson("own", "charity-1")) == 0);
  REQUIRE(c1.waitForReceipts({"own"}, 10000));
  CHECK(c1.receipts()["own"].status == "accepted");
  // Another org's topic: the broker refuses (MQTT 5 reason 135, not authorized); nothing stored.
  int rc =
      c1.publish("xianjie/in/charity/charity-2/referrals", referralJson("theirs", "charity-2"));
  CHECK(rc == 135);
  // Reading another org's receipts is not allowed either: charity-1 subscribes to charity-2's
  // receipts, charity-2 sends a referral and gets its receipt; charity-1 does not.
  REQUIRE(pw.count("charity-2"));
  c1.subscribe("xianjie/out/charity-2/#");
  MqttTestClient c2(broker.uri(), "charity-2-client", "charity-2", pw["charity-2"]);
  REQUIRE(c2.connect());
  c2.subscribe("xianjie/out/charity-2/#");
  CHECK(c2.publish("xianjie/in/charity/charity-2/referrals", referralJson("c2-own", "charity-2")) ==
        0);
  REQUIRE(c2.waitForReceipts({"c2-own"}, 10000));
  // A barrier: the hub publishes charity-1's next receipt after charity-2's, and the broker
  // delivers the hub's messages to a subscriber in order, so once charity-1 holds its own next
  // receipt it would hold charity-2's too, had the broker let it subscribe.
  CHECK(c1.publish(kReferrals, referralJson("own-2", "charity-1")) == 0);
  REQUIRE(c1.waitForReceipts({"own-2"}, 10000));
  CHECK(c1.receipts().count("c2-own") == 0);
  CHECK(c1.receipts().size() == 2);  // own and own-2, nothing else
  // The refused publish never reached the hub (it would have come before own-2).
  CHECK(hub.sql("SELECT count(*) FROM messages WHERE message_id='theirs'") == "0\n");
  // A wrong password is refused at connect.
  MqttTestClient bad(broker.uri(), "intruder", "charity-1", "wrong");
  CHECK_FALSE(bad.connect());
}

TEST_CASE("MQTT: broker restart mid-burst; with resending publishers every message is stored once",
          "[mqtt][restart]") {
  Mosquitto broker;
  broker.start();
  Daemon d("", "", "", mqttConfig(broker));
  mqttPrincipals(d);
  d.start();
  REQUIRE(waitReady(d.port()));
  const int n = 3000;
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back("br-" + std::to_string(i));
  MqttTestClient c(broker.uri(), "pub-restart");
  REQUIRE(c.connect());
  c.subscribe("xianjie/out/+/receipts");
  std::thread restarter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    broker.kill9();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    broker.start();
  });
  for (const auto& id : ids) c.publish(kTickets, ticketJson(id, "hotline-1"), "", "", false);
  restarter.join();
  c.connect();  // the client reconnects by itself; make sure it is
  CHECK(resendUntilReceipted(c, ids, 20));
  // Exactly the messages sent, each once (the primary key would refuse a second row anyway; a
  // stray or missing one would not be).
  CHECK(storedIds(d) == std::set<std::string>(ids.begin(), ids.end()));
  CHECK(d.sql("SELECT count(*) FROM messages") == std::to_string(n) + "\n");
  auto reconnects = metricValue(d.port(), "xianjie_mqtt_reconnects_total");
  REQUIRE(reconnects.has_value());
  CHECK(*reconnects >= 1);
}

TEST_CASE("MQTT: SIGKILL of the hub mid-burst of 20,000 loses no receipted message",
          "[mqtt][crash]") {
  Mosquitto broker;
  broker.start();
  Daemon d("", "", "", mqttConfig(broker));
  mqttPrincipals(d);
  d.start();
  REQUIRE(waitReady(d.port()));
  const int n = 20000;
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back("k-" + std::to_string(i));
  MqttTestClient c(broker.uri(), "pub-kill");
  REQUIRE(c.connect());
  c.subscribe("xianjie/out/+/receipts");
  // Killed once a random number of receipts are out: some were receipted before the kill (or
  // the loss check below could not fail), and not all (or it was not mid-burst).
  std::mt19937 rng(testSeed("SIGKILL after k receipts"));
  const size_t kill_after = std::uniform_int_distribution<size_t>(100, 5000)(rng);
  std::thread killer([&] {
    waitUntil([&] { return c.receiptCount() >= kill_after; }, 60000);
    d.kill9();
  });
  for (const auto& id : ids) c.publish(kTickets, ticketJson(id, "hotline-1"), "", "", false);
  killer.join();
  // Receipts the hub published before it died may still be on their way through the broker.
  size_t last = 0;
  waitUntil(
      [&] {
        size_t now = c.receiptCount();
        bool stable = now == last;
        last = now;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        return stable;
      },
      5000);
  auto before_restart = c.receipts();
  size_t receipted = 0;
  for (const auto& [id, r] : before_restart)
    if (r.status == "accepted") ++receipted;
  INFO("killed after " << kill_after << " receipts; receipted before the kill: " << receipted);
  REQUIRE(receipted > 0);
  REQUIRE(receipted < static_cast<size_t>(n));
  // Every message whose receipt was published is in the file.
  d.start();
  REQUIRE(waitReady(d.port()));
  std::set<std::string> stored = storedIds(d);
  size_t missing = 0;
  for (const auto& [id, r] : before_restart)
    if (r.status == "accepted" && !stored.count(id)) ++missing;
  CHECK(missing == 0);
  // Resend until every message holds a receipt: then each is stored exactly once.
  CHECK(resendUntilReceipted(c, ids, 30));
  CHECK(storedIds(d) == std::set<std::string>(ids.begin(), ids.end()));
  CHECK(d.sql("SELECT count(*) FROM messages") == std::to_string(n) + "\n");
  CHECK(d.sql("PRAGMA integrity_check") == "ok\n");
}
