// MQTT and a clean stop: after SIGTERM the hub takes no more messages, stores
// and answers every message it had taken, then disconnects; what it had not taken stays queued
// in its persistent session at the broker. A real mosquitto, the real daemon, a real SQLite file.
#include <algorithm>
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "tests/integration/messages.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/mosquitto.h"
#include "tests/support/mqtt_client.h"

using namespace xj::test;

namespace {

const std::string kTickets = "xianjie/in/hotline/hotline-9/tickets";

bool waitReady(int port) {
  for (int i = 0; i < 400; ++i) {
    if (httpRequest(port, "GET", "/readyz").status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
}

// message_id -> hub id of every stored message.
std::map<std::string, std::string> storedHubIds(const Daemon& d) {
  std::string rows = d.sql("SELECT message_id || '|' || printf('xj-%010d', hub_seq) FROM messages");
  std::map<std::string, std::string> out;
  for (size_t pos = 0; pos < rows.size();) {
    size_t e = rows.find('\n', pos);
    std::string line = rows.substr(pos, e - pos);
    size_t bar = line.find('|');
    if (bar != std::string::npos) out[line.substr(0, bar)] = line.substr(bar + 1);
    pos = e + 1;
  }
  return out;
}

// Receipts that claim a stored message whose hub id is not in the file (answered, not stored).
size_t answeredNotStored(const std::map<std::string, TestReceipt>& receipts,
                         const std::map<std::string, std::string>& stored) {
  size_t bad = 0;
  for (const auto& [id, r] : receipts) {
    if (r.hub_id.empty()) continue;  // rejected/unavailable: claims nothing
    auto it = stored.find(id);
    if (it == stored.end() || it->second != r.hub_id) ++bad;
  }
  return bad;
}

}  // namespace

TEST_CASE(
    "MQTT: SIGTERM mid-burst loses nothing taken: all stored once, each receipt after its "
    "commit, the untaken delivered after the restart without a resend",
    "[mqtt_shutdown]") {
  Mosquitto broker;
  broker.start();
  Daemon d("", "", "",
           "\"uri\": \"" + broker.uri() + "\", \"client_id\": \"hub-" +
               std::to_string(broker.port()) + "\"");
  d.token("hotline-9", "hotline");
  d.start();
  REQUIRE(waitReady(d.port()));

  // A burst of tickets; the stop signal comes while it is being published and taken. What the
  // hub has not taken by then is queued at the broker for the hub's persistent session.
  const int n = 20000;
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back("st-" + std::to_string(i));
  MqttTestClient c(broker.uri(), "pub-shutdown");
  REQUIRE(c.connect());
  c.subscribe("xianjie/out/+/receipts");
  const int hub_pid = d.pid();
  std::thread burst([&] {
    for (int i = 0; i + 1 < n; ++i) {
      if (i == n / 2) ::kill(hub_pid, SIGTERM);  // halfway through the burst
      c.publish(kTickets, ticketJson(ids[i], "hotline-9"), "", "", false);
    }
    // PUBACKs come in order on one connection: the last one means the broker holds them all.
    c.publish(kTickets, ticketJson(ids.back(), "hotline-9"));
  });
  burst.join();
  CHECK(d.terminate() == 0);  // waits for the exit (a second SIGTERM changes nothing)
  CHECK(d.log().find("mqtt_not_drained") == std::string::npos);

  auto stored = storedHubIds(d);
  auto before = c.receipts();
  INFO("stored at the stop: " << stored.size() << ", receipts seen: " << before.size());
  CHECK(stored.size() < static_cast<size_t>(n));  // the stop did come mid-burst
  CHECK(answeredNotStored(before, stored) == 0);

  // Restarted, the hub gets from its session what it had not taken; nobody resends. Every
  // message then holds a receipt: accepted, or `unavailable` where the hub held max_pending
  // already. Had the hub dropped a message it had taken (Paho acknowledged it to the broker), it
  // would have no receipt here, for good.
  d.start();
  REQUIRE(waitReady(d.port()));
  size_t missing = n;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (missing > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto got = c.receipts();
    missing = 0;
    for (const auto& id : ids) missing += got.count(id) == 0;
  }
  INFO("messages without any receipt after the restart, none resent: " << missing);
  CHECK(missing == 0);
  CHECK(answeredNotStored(c.receipts(), storedHubIds(d)) == 0);

  // A publisher resends what was answered `unavailable` (or not at all) until it holds a
  // receipt; then each message is stored exactly once, and every receipt names its row.
  for (int round = 0; round < 30 && !c.waitForReceipts(ids, 3000); ++round) {
    auto got = c.receipts();
    for (const auto& id : ids)
      if (!got.count(id) || got[id].status == "unavailable")
        c.publish(kTickets, ticketJson(id, "hotline-9"), "", "", false);
  }
  CHECK(c.waitForReceipts(ids, 5000));
  // Copies resent in the last rounds may still be answered after that (`unavailable` while the
  // hub held max_pending, after an earlier copy was stored): the client keeps each id's last
  // receipt, so, as a publisher would, it resends what its last receipt does not say stored
  // once the receipts have gone quiet, until every last receipt says accepted or duplicate.
  auto stored_receipt = [](const TestReceipt& r) {
    return r.status == "accepted" || r.status == "duplicate";
  };
  for (int round = 0; round < 30; ++round) {
    for (size_t seen = c.receiptCount();;) {  // quiet: no new receipt for 500 ms
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      const size_t now = c.receiptCount();
      if (now == seen) break;
      seen = now;
    }
    size_t resent = 0;
    for (const auto& [id, r] : c.receipts())
      if (!stored_receipt(r)) {
        c.publish(kTickets, ticketJson(id, "hotline-9"), "", "", false);
        ++resent;
      }
    if (resent == 0) break;
  }
  // Exactly the ids sent, each once (message_id is unique per source, so the count alone would
  // not show a lost message replaced by a stray one).
  std::vector<std::string> sent = ids;
  std::sort(sent.begin(), sent.end());
  std::string expected;
  for (const auto& id : sent) expected += id + "\n";
  CHECK(d.sql("SELECT message_id FROM messages ORDER BY message_id") == expected);
  CHECK(answeredNotStored(c.receipts(), storedHubIds(d)) == 0);
  size_t not_stored = 0;
  for (const auto& [id, r] : c.receipts()) not_stored += !stored_receipt(r);
  CHECK(not_stored == 0);
}
