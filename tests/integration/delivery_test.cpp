// Outbox delivery end to end: the real daemon delivers outbox rows over real
// HTTP to real receivers (tests/support/webhook_sink.h) that verify every signature. Rows are
// made through the fault-injection endpoint's enqueue_outbound (a row with no change behind it).
// Every wait polls a condition with a deadline; every claim in a test's name is asserted.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/test_env.h"
#include "tests/support/tls_client.h"
#include "tests/support/webhook_sink.h"

using namespace xj::test;
using namespace std::chrono_literals;

namespace {

const std::string kSecretA = "secret-of-partner-a-0123456789abcdef";
const std::string kSecretB = "secret-of-partner-b-0123456789abcdef";

template <class F>
bool waitFor(F cond, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return cond();
}

std::string writeSecret(const Daemon& d, const std::string& name, const std::string& secret) {
  std::string path = d.dir() + "/" + name + ".key";
  writeSecretFile(path, secret + "\n");
  return path;
}

std::string webhookPartner(const std::string& org, const std::string& url,
                           const std::string& secret_file) {
  return R"({"org": ")" + org + R"(", "name": ")" + org +
         R"(", "services": ["food"], "townships": ["*"], "channel": {"type": "webhook", "url": ")" +
         url + R"(", "secret_file": ")" + secret_file + R"("}})";
}

// A daemon with fault injection whose directory lists `partners` (JSON objects) and `delivery`.
struct Hub {
  Daemon d{R"("fault_injection": true)"};
  std::string admin;

  void start(const std::vector<std::string>& partners, const std::string& delivery) {
    std::string list;
    for (const auto& p : partners) list += (list.empty() ? "" : ",") + p;
    d.writePartners(R"({"partners": [)" + list + R"(], "delivery": )" + delivery + "}");
    admin = d.token("bureau-admin", "admin");
    d.start();
  }

  HttpResponse fault(const std::string& body) {
    return httpRequest(d.port(), "POST", "/v1/admin/faults", body,
                       {{"Authorization", "Bearer " + admin}, {"Content-Type", "text/plain"}});
  }

  // An outbox row for `partner` in `lane`, whose body carries `seq` so that order can be read.
  int64_t enqueue(const std::string& partner, const std::string& lane, int seq) {
    std::string key = partner + "/" + lane + "/" + std::to_string(seq);
    auto r =
        fault(R"(enqueue_outbound {"partner": ")" + partner + R"(", "lane_key": ")" + lane +
              R"(", "kind": "exchange.status", "idempotency_key": ")" + key +
              R"(", "body": {"exchange": ")" + lane + R"(", "seq": )" + std::to_string(seq) + "}}");
    REQUIRE(r.status == 200);
    return std::stoll(r.body.substr(r.body.find(':') + 1));
  }

  std::string state(int64_t id) {
    auto s = d.sql("SELECT state || ' ' || attempts || ' ' || last_error FROM outbox WHERE id=" +
                   std::to_string(id));
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
  }

  int64_t count(const std::string& where) {
    auto s = d.sql("SELECT count(*) FROM outbox WHERE " + where);
    return s.empty() ? -1 : std::stoll(s);
  }

  HttpResponse get(const std::string& path, const std::string& token) {
    return httpRequest(d.port(), "GET", path, "", {{"Authorization", "Bearer " + token}});
  }
};

// The idempotency keys the sink accepted (2xx), in arrival order, for one lane prefix.
std::vector<std::string> acceptedKeys(const WebhookSink& sink, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& r : sink.accepted())
    if (r.idempotency_key.rfind(prefix, 0) == 0) out.push_back(r.idempotency_key);
  return out;
}

std::vector<std::string> expectedKeys(const std::string& prefix, int n) {
  std::vector<std::string> out;
  for (int i = 1; i <= n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

double metric(const std::string& metrics, const std::string& series) {
  auto p = metrics.find(series + " ");
  if (p == std::string::npos) return -1;
  return std::stod(metrics.substr(p + series.size() + 1));
}

}  // namespace

TEST_CASE("a delivery arrives once, signed, and its row ends delivered", "[delivery]") {
  WebhookSink sink(kSecretA);
  Hub hub;
  hub.start({webhookPartner("ngo-a", sink.url("/xianjie"), writeSecret(hub.d, "a", kSecretA))},
            R"({"max_attempts": 3, "backoff_initial_ms": 50, "backoff_max_ms": 200})");
  int64_t id = hub.enqueue("ngo-a", "ex-1", 1);
  REQUIRE(waitFor([&] { return hub.state(id).rfind("delivered", 0) == 0; }, 10s));
  CHECK(hub.state(id) == "delivered 1 ");
  // Settle: nothing arrives after the row is recorded delivered.
  std::this_thread::sleep_for(300ms);
  auto got = sink.received();
  REQUIRE(got.size() == 1);
  CHECK(got[0].path == "/xianjie");
  CHECK(got[0].verified);
  CHECK(got[0].answered == 200);
  CHECK(got[0].idempotency_key == "ngo-a/ex-1/1");
  CHECK(got[0].kind == "exchange.status");
  CHECK(got[0].attempt == "1");
  CHECK(got[0].body == R"({"exchange":"ex-1","seq":1})");
  CHECK(got[0].signature.rfind("v1=", 0) == 0);
  // Counted by partner and outcome; nothing left pending.
  auto m = hub.get("/metrics", hub.admin).body;
  CHECK(metric(m, R"(xianjie_outbox_deliveries_total{partner="ngo-a",outcome="delivered"})") == 1);
  CHECK(waitFor(
      [&] {
        return metric(hub.get("/metrics", hub.admin).body,
                      R"(xianjie_outbox_pending{partner="ngo-a"})") == 0;
      },
      5s));
  // The row as staff see it.
  auto list = hub.get("/v1/outbox?state=delivered", hub.admin);
  CHECK(list.status == 200);
  CHECK(list.body.find(R"("idempotency_key":"ngo-a/ex-1/1")") != std::string::npos);
  CHECK(list.body.find(R"("seq")") == std::string::npos);  // no body in the listing
  // A used idempotency key is refused, not delivered twice.
  auto again = hub.fault(
      R"(enqueue_outbound {"partner": "ngo-a", "lane_key": "ex-1", "kind": "exchange.status", "idempotency_key": "ngo-a/ex-1/1", "body": {}})");
  CHECK(again.status == 409);
}

TEST_CASE(
    "a partner down for a while, then back: every message delivered once, in order per lane, "
    "while another partner's deliveries go on",
    "[delivery]") {
  WebhookSink down(kSecretA);
  WebhookSink up(kSecretB);
  down.setMode(WebhookSink::Mode::kFail);  // 500 first
  Hub hub;
  hub.start({webhookPartner("ngo-down", down.url(), writeSecret(hub.d, "down", kSecretA)),
             webhookPartner("ngo-up", up.url(), writeSecret(hub.d, "up", kSecretB))},
            R"({"max_attempts": 100, "backoff_initial_ms": 20, "backoff_max_ms": 200,
                "timeout_ms": 300})");
  const int kLanes = 3, kPerLane = 6;
  for (int i = 1; i <= kPerLane; ++i)
    for (int l = 0; l < kLanes; ++l) {
      hub.enqueue("ngo-down", "ex-d" + std::to_string(l), i);
      hub.enqueue("ngo-up", "ex-u" + std::to_string(l), i);
    }
  // The other partner is served in full while this one fails.
  REQUIRE(waitFor([&] { return up.acceptedCount() == kLanes * kPerLane; }, 20s));
  CHECK(down.acceptedCount() == 0);
  CHECK(down.requestCount() > 0);
  CHECK(hub.count("partner='ngo-down' AND state='pending'") == kLanes * kPerLane);
  CHECK(hub.count("partner='ngo-down' AND state='pending' AND attempts > 0") > 0);
  // Down in every other way: a hung answer (timeout), a dropped connection, refused connections.
  down.setMode(WebhookSink::Mode::kHang);
  size_t seen = down.requestCount();
  REQUIRE(waitFor([&] { return down.requestCount() >= seen + 3; }, 10s));
  down.setMode(WebhookSink::Mode::kClose);
  seen = down.requestCount();
  REQUIRE(waitFor([&] { return down.requestCount() >= seen + 3; }, 10s));
  down.stopListening();
  std::this_thread::sleep_for(500ms);
  // More for the healthy partner meanwhile: still delivered.
  for (int l = 0; l < kLanes; ++l) hub.enqueue("ngo-up", "ex-u" + std::to_string(l), kPerLane + 1);
  REQUIRE(waitFor([&] { return up.acceptedCount() == kLanes * (kPerLane + 1); }, 20s));
  CHECK(down.acceptedCount() == 0);
  // Back.
  down.setMode(WebhookSink::Mode::kOk);
  down.resume();
  REQUIRE(waitFor([&] { return down.acceptedCount() == kLanes * kPerLane; }, 30s));
  REQUIRE(waitFor([&] { return hub.count("state != 'delivered'") == 0; }, 10s));
  std::this_thread::sleep_for(300ms);
  for (int l = 0; l < kLanes; ++l) {
    std::string d = "ngo-down/ex-d" + std::to_string(l) + "/";
    std::string u = "ngo-up/ex-u" + std::to_string(l) + "/";
    INFO("lane " << l);
    CHECK(acceptedKeys(down, d) == expectedKeys(d, kPerLane));  // once each, in order
    CHECK(acceptedKeys(up, u) == expectedKeys(u, kPerLane + 1));
  }
  for (const auto& r : down.accepted()) CHECK(r.verified);
  auto m = hub.get("/metrics", hub.admin).body;
  CHECK(metric(m, R"(xianjie_outbox_deliveries_total{partner="ngo-down",outcome="retry"})") > 0);
  CHECK(metric(m, R"(xianjie_outbox_deliveries_total{partner="ngo-down",outcome="delivered"})") ==
        kLanes * kPerLane);
}

TEST_CASE("after the last attempt a message is dead; staff list it and replay it", "[delivery]") {
  WebhookSink sink(kSecretA);
  sink.setMode(WebhookSink::Mode::kFail);
  Hub hub;
  hub.start({webhookPartner("ngo-a", sink.url(), writeSecret(hub.d, "a", kSecretA))},
            R"({"max_attempts": 3, "backoff_initial_ms": 20, "backoff_max_ms": 100})");
  int64_t first = hub.enqueue("ngo-a", "ex-1", 1);
  int64_t second = hub.enqueue("ngo-a", "ex-1", 2);
  REQUIRE(waitFor([&] { return hub.count("state='dead'") == 2; }, 15s));
  CHECK(hub.state(first) == "dead 3 http 500");
  CHECK(hub.state(second) == "dead 3 http 500");
  CHECK(sink.requestCount() == 6);  // three attempts each, no more
  // A 4xx other than 408/429 is the receiver refusing the message itself: dead at once.
  sink.setFailStatus(422);
  int64_t refused = hub.enqueue("ngo-a", "ex-2", 1);
  REQUIRE(waitFor([&] { return hub.state(refused).rfind("dead", 0) == 0; }, 10s));
  CHECK(hub.state(refused) == "dead 1 http 422");
  // Staff see the dead letters (HTTP and CLI) ...
  auto staff = hub.d.token("county-bureau", "staff");
  HttpResponse list;
  REQUIRE(waitFor(  // the hub reads new tokens within a second
      [&] { return (list = hub.get("/v1/outbox?state=dead", staff)).status == 200; }, 5s));
  CHECK(list.body.find(R"("id":)" + std::to_string(first) + ",") != std::string::npos);
  CHECK(list.body.find(R"("last_error":"http 500")") != std::string::npos);
  CHECK(list.body.find(R"("attempts":3)") != std::string::npos);
  int rc = 0;
  auto cli = runCommand(
      std::string(XJ_CLI) + " outbox list --state dead --config '" + hub.d.configPath() + "'", &rc);
  CHECK(rc == 0);
  CHECK(cli.find("ngo-a") != std::string::npos);
  CHECK(std::count(cli.begin(), cli.end(), '\n') == 4);  // header + 3 dead rows
  auto bad = hub.get("/v1/outbox?state=lost&limit=0", staff);
  CHECK(bad.status == 400);
  CHECK(bad.body.find(R"("path":"state")") != std::string::npos);
  CHECK(bad.body.find(R"("path":"limit")") != std::string::npos);
  // ... and replay them once the partner is back: over HTTP, and from the CLI.
  sink.setMode(WebhookSink::Mode::kOk);
  auto replay = httpRequest(hub.d.port(), "POST", "/v1/outbox/" + std::to_string(first) + "/replay",
                            "", {{"Authorization", "Bearer " + staff}});
  CHECK(replay.status == 200);
  CHECK(replay.body.find(R"("state":"pending")") != std::string::npos);
  REQUIRE(waitFor([&] { return hub.state(first).rfind("delivered", 0) == 0; }, 10s));
  runCommand(std::string(XJ_CLI) + " outbox replay --config '" + hub.d.configPath() + "' " +
                 std::to_string(second),
             &rc);
  CHECK(rc == 0);
  REQUIRE(waitFor([&] { return hub.state(second).rfind("delivered", 0) == 0; }, 10s));
  CHECK(acceptedKeys(sink, "ngo-a/ex-1/") == expectedKeys("ngo-a/ex-1/", 2));
  // Replaying what is not dead is refused; an unknown row is 404; both logged or not at all.
  auto again = httpRequest(hub.d.port(), "POST", "/v1/outbox/" + std::to_string(first) + "/replay",
                           "", {{"Authorization", "Bearer " + staff}});
  CHECK(again.status == 409);
  CHECK(httpRequest(hub.d.port(), "POST", "/v1/outbox/999999/replay", "",
                    {{"Authorization", "Bearer " + staff}})
            .status == 404);
  runCommand(std::string(XJ_CLI) + " outbox replay --config '" + hub.d.configPath() + "' " +
                 std::to_string(first) + " 2>/dev/null",
             &rc);
  CHECK(rc == 2);
  auto log = hub.d.sql("SELECT outbox_id || ' ' || result FROM outbox_replays ORDER BY seq");
  CHECK(log == std::to_string(first) + " replayed\n" + std::to_string(second) + " replayed\n" +
                   std::to_string(first) + " not dead\n");
  auto m = hub.get("/metrics", hub.admin).body;
  CHECK(metric(m, R"(xianjie_outbox_deliveries_total{partner="ngo-a",outcome="dead"})") == 3);
}

TEST_CASE("the receiver checks signature and replay window: a stale or forged delivery is refused",
          "[delivery]") {
  WebhookSink sink(kSecretA);
  Hub hub;
  hub.start({webhookPartner("ngo-a", sink.url(), writeSecret(hub.d, "a", kSecretA)),
             webhookPartner("ngo-wrong-key", sink.url("/other"),
                            writeSecret(hub.d, "w", "not-the-receivers-secret-000000"))},
            R"({"max_attempts": 3, "backoff_initial_ms": 20, "backoff_max_ms": 100})");
  int64_t good = hub.enqueue("ngo-a", "ex-1", 1);
  REQUIRE(waitFor([&] { return hub.state(good).rfind("delivered", 0) == 0; }, 10s));
  auto genuine = sink.received().at(0);
  REQUIRE(genuine.verified);
  // The same request with a tampered body, and the same request again later than the window,
  // sent straight to the receiver over HTTP: both refused by its verifier.
  auto resend = [&](const std::string& body) {
    return httpRequest(sink.port(), "POST", "/hook", body,
                       {{"Content-Type", "application/json"},
                        {"Idempotency-Key", genuine.idempotency_key},
                        {"X-Xianjie-Timestamp", genuine.timestamp},
                        {"X-Xianjie-Signature", genuine.signature}});
  };
  std::string tampered = genuine.body;
  tampered.replace(tampered.find("\"seq\":1"), 7, "\"seq\":9");
  CHECK(resend(tampered).status == 401);
  CHECK(sink.received().back().verify_error == "signature does not match");
  CHECK(resend(genuine.body).status == 200);  // the genuine one, within the window
  // A partner configured with the wrong secret: its deliveries are refused, never accepted.
  int64_t forged = hub.enqueue("ngo-wrong-key", "ex-3", 1);
  REQUIRE(waitFor([&] { return hub.state(forged).rfind("dead", 0) == 0; }, 10s));
  CHECK(sink.received().back().verify_error == "signature does not match");
  // A hub whose clock is 10 minutes behind signs stale timestamps: the receiver refuses them,
  // and a 401 is permanent (dead at once, replayable when the clock is fixed).
  auto behind = std::chrono::system_clock::now() - std::chrono::minutes(10);
  char when[32];
  std::time_t t = std::chrono::system_clock::to_time_t(behind);
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  REQUIRE(hub.fault(std::string("clock ") + when).status == 200);
  int64_t stale = hub.enqueue("ngo-a", "ex-2", 1);
  REQUIRE(waitFor([&] { return hub.state(stale).rfind("dead", 0) == 0; }, 10s));
  CHECK(hub.state(stale) == "dead 1 http 401");
  CHECK(sink.received().back().verify_error == "timestamp older than the window");
  CHECK(sink.acceptedCount() == 2);  // the first delivery and its genuine resend only
}

TEST_CASE("pending rows survive a crash: after a restart each is delivered, in order",
          "[delivery]") {
  WebhookSink sink(kSecretA);
  sink.stopListening();  // down when the rows are written
  Hub hub;
  hub.start({webhookPartner("ngo-a", sink.url(), writeSecret(hub.d, "a", kSecretA))},
            R"({"max_attempts": 100, "backoff_initial_ms": 20, "backoff_max_ms": 100})");
  for (int i = 1; i <= 5; ++i) hub.enqueue("ngo-a", "ex-1", i);
  for (int i = 1; i <= 3; ++i) hub.enqueue("ngo-a", "ex-2", i);
  REQUIRE(waitFor([&] { return hub.count("state='pending' AND attempts > 0") > 0; }, 10s));
  hub.d.kill9();
  CHECK(hub.count("state='pending'") == 8);
  sink.resume();
  hub.d.start();
  REQUIRE(waitFor([&] { return hub.count("state='delivered'") == 8; }, 20s));
  std::this_thread::sleep_for(300ms);
  CHECK(acceptedKeys(sink, "ngo-a/ex-1/") == expectedKeys("ngo-a/ex-1/", 5));
  CHECK(acceptedKeys(sink, "ngo-a/ex-2/") == expectedKeys("ngo-a/ex-2/", 3));
  CHECK(hub.d.log().find("event=outbox_resumed pending=8") != std::string::npos);
}

TEST_CASE(
    "a partner down with more pending rows than the memory cap: the hub holds at most the cap, "
    "and once it is back every row arrives once, in order per lane, restart included",
    "[delivery]") {
  constexpr int kCap = 20, kLanes = 6, kPerLane = 25;  // 150 rows, 7.5 times the cap
  WebhookSink down(kSecretA);
  WebhookSink up(kSecretB);
  down.stopListening();
  Hub hub;
  hub.start({webhookPartner("ngo-down", down.url(), writeSecret(hub.d, "a", kSecretA)),
             webhookPartner("ngo-up", up.url(), writeSecret(hub.d, "b", kSecretB))},
            R"({"max_attempts": 100, "backoff_initial_ms": 200, "backoff_max_ms": 1000,
                "max_rows_in_memory_per_partner": 20})");
  const std::string held = R"(xianjie_outbox_rows_in_memory{partner="ngo-down"})";
  double most = 0;
  auto sample = [&] {
    double n = metric(hub.get("/metrics", hub.admin).body, held);
    most = std::max(most, n);
    return n;
  };
  // Rows interleaved over the lanes, as exchanges progress side by side.
  for (int i = 1; i <= kPerLane; ++i) {
    for (int l = 0; l < kLanes; ++l) hub.enqueue("ngo-down", "ex-d" + std::to_string(l), i);
    if (i % 5 == 0) sample();
  }
  for (int i = 1; i <= 5; ++i) hub.enqueue("ngo-up", "ex-u", i);
  // The other partner is delivered meanwhile; the store knows all of the down one's rows.
  REQUIRE(waitFor([&] { return up.acceptedCount() == 5; }, 10s));
  REQUIRE(waitFor(
      [&] {
        sample();
        return metric(hub.get("/metrics", hub.admin).body,
                      R"(xianjie_outbox_pending{partner="ngo-down"})") == kLanes * kPerLane;
      },
      10s));
  CHECK(sample() > 0);
  CHECK(most <= kCap);
  // /metrics per partner: deliveries by outcome (zeros shown from the start), depth, oldest age.
  {
    auto m = hub.get("/metrics", hub.admin).body;
    CHECK(metric(m, R"(xianjie_outbox_deliveries_total{partner="ngo-down",outcome="retry"})") > 0);
    CHECK(metric(m, R"(xianjie_outbox_deliveries_total{partner="ngo-down",outcome="dead"})") == 0);
    CHECK(metric(m, R"(xianjie_outbox_deliveries_total{partner="ngo-up",outcome="delivered"})") ==
          5);
    CHECK(metric(m, R"(xianjie_outbox_deliveries_total{partner="ngo-up",outcome="dead"})") == 0);
    CHECK(metric(m, R"(xianjie_outbox_oldest_pending_seconds{partner="ngo-down"})") > 0);
    CHECK(waitFor(
        [&] {
          return metric(hub.get("/metrics", hub.admin).body,
                        R"(xianjie_outbox_pending{partner="ngo-up"})") == 0;
        },
        5s));
  }
  // Restart: the resume reads every pending row back and holds at most the cap again.
  hub.d.terminate();
  hub.d.start();
  REQUIRE(waitFor([&] { return sample() > 0; }, 10s));
  for (int i = 0; i < 10; ++i) {
    sample();
    std::this_thread::sleep_for(50ms);
  }
  CHECK(most <= kCap);
  CHECK(hub.count("state='pending' AND partner='ngo-down'") == kLanes * kPerLane);
  // Back: every row arrives once, in order per lane, read back from the store as memory drains.
  down.resume();
  REQUIRE(waitFor(
      [&] {
        sample();
        return down.acceptedCount() >= static_cast<size_t>(kLanes * kPerLane);
      },
      60s));
  REQUIRE(waitFor([&] { return hub.count("state != 'delivered'") == 0; }, 10s));
  std::this_thread::sleep_for(300ms);
  CHECK(down.acceptedCount() == static_cast<size_t>(kLanes * kPerLane));
  for (int l = 0; l < kLanes; ++l) {
    std::string d = "ngo-down/ex-d" + std::to_string(l) + "/";
    INFO("lane " << l);
    CHECK(acceptedKeys(down, d) == expectedKeys(d, kPerLane));
  }
  CHECK(most <= kCap);
  REQUIRE(waitFor([&] { return sample() == 0; }, 5s));
  CHECK(hub.d.log().find("event=outbox_partner_held_in_part partner=ngo-down") !=
        std::string::npos);
}

TEST_CASE("a restart in the middle of a backoff keeps the attempts and the next attempt's time",
          "[delivery]") {
  WebhookSink sink(kSecretA);
  sink.stopListening();
  Hub hub;
  hub.start({webhookPartner("ngo-a", sink.url(), writeSecret(hub.d, "a", kSecretA))},
            R"({"max_attempts": 2, "backoff_initial_ms": 16000, "backoff_max_ms": 16000})");
  int64_t id = hub.enqueue("ngo-a", "ex-1", 1);
  // The first attempt fails; the next is 8 to 16 s away (half the step plus jitter): room for
  // a restart of the slowest build (ThreadSanitizer, on a loaded machine) before it is due.
  REQUIRE(waitFor([&] { return hub.state(id) == "pending 1 connect failed"; }, 10s));
  const std::string next =
      hub.d.sql("SELECT next_attempt_ms FROM outbox WHERE id=" + std::to_string(id));
  const int64_t next_ms = std::stoll(next);
  hub.d.terminate();
  hub.d.start();
  // Still one attempt made, not zero: the count came back with the row.
  CHECK(hub.state(id) == "pending 1 connect failed");
  // The second (and last) attempt comes when the backoff ends, not at the restart.
  REQUIRE(waitFor([&] { return hub.state(id).rfind("dead", 0) == 0; }, 30s));
  CHECK(hub.state(id) == "dead 2 connect failed");
  const int64_t dead_ms = std::stoll(hub.d.sql(
      "SELECT CAST(round((julianday(updated_at) - 2440587.5) * 86400000) AS INTEGER) FROM outbox "
      "WHERE id=" +
      std::to_string(id)));
  INFO("next attempt due " << next_ms << ", made " << dead_ms);
  CHECK(dead_ms >= next_ms - 50);  // the clock's and the timer's granularity
}

TEST_CASE("a poll partner's rows wait untouched for its pages; an unknown partner's end dead",
          "[delivery]") {
  Hub hub;
  hub.start({R"({"org": "ngo-poll", "name": "P", "services": ["food"], "townships": ["*"],
                 "channel": {"type": "poll"}})"},
            R"({"max_attempts": 3})");
  int64_t polled = hub.enqueue("ngo-poll", "ex-1", 1);
  int64_t unknown = hub.enqueue("nobody", "ex-2", 1);
  REQUIRE(waitFor([&] { return hub.state(unknown).rfind("dead", 0) == 0; }, 10s));
  CHECK(hub.state(unknown) == "dead 1 unknown partner");
  // The poll partner's row is the pages' to deliver (when the partner opens its exchange,
  // tests/integration/partner_persons_test.cpp): never attempted here, and still there after a
  // restart, which reads every pending row back.
  CHECK(hub.state(polled) == "pending 0 ");
  hub.d.terminate();
  hub.d.start();
  // Attempts start only once the resume has read every pending row: a row made after the
  // restart ending dead says the poll partner's row was read back, and left alone.
  int64_t after = hub.enqueue("nobody", "ex-3", 1);
  REQUIRE(waitFor([&] { return hub.state(after).rfind("dead", 0) == 0; }, 10s));
  CHECK(hub.state(polled) == "pending 0 ");
}

TEST_CASE("webhook delivery over HTTPS verifies the partner's certificate against its CA file",
          "[delivery]") {
  TestCa ca(makeTempDir("xianjie-ca-"));
  ca.issue("receiver", "DNS:localhost,IP:127.0.0.1");
  TestCa stranger(makeTempDir("xianjie-ca-"));
  // The receiver: a second hub serving HTTPS with the CA's certificate. It answers the webhook's
  // POST with an HTTP error, which is enough: an HTTP status means the TLS connection was made
  // and its certificate trusted.
  Daemon receiver("", R"("tls": {"cert_file": ")" + ca.certFile("receiver") +
                          R"(", "key_file": ")" + ca.keyFile("receiver") + R"("})");
  receiver.start();
  const std::string url = "https://localhost:" + std::to_string(receiver.port()) + "/hook";
  auto partner = [&](const std::string& org, const std::string& ca_file) {
    std::string p = webhookPartner(org, url, writeSecret(receiver, org, kSecretA));
    return p.replace(p.rfind("\"}}"), 3, R"(", "ca_file": ")" + ca_file + "\"}}");
  };
  Hub hub;
  hub.start({partner("ngo-trusting", ca.caFile()), partner("ngo-stranger", stranger.caFile())},
            R"({"max_attempts": 1, "backoff_initial_ms": 50, "backoff_max_ms": 100})");
  int64_t trusted = hub.enqueue("ngo-trusting", "ex-1", 1);
  int64_t refused = hub.enqueue("ngo-stranger", "ex-2", 1);
  auto attempted = [&](int64_t id) { return hub.state(id).rfind("pending 0", 0) != 0; };
  REQUIRE(waitFor([&] { return attempted(trusted) && attempted(refused); }, 10s));
  INFO(hub.state(trusted) << " / " << hub.state(refused));
  CHECK(hub.state(trusted).find("http 4") != std::string::npos);
  CHECK(hub.state(refused).find("SSL peer certificate") != std::string::npos);
}
