// Upload to the designated information platform against the real daemon: a
// staff resolution that puts a person into a category (or takes them out of one) is written to
// the outbox in the resolution's transaction and delivered, signed, to the platform's webhook (a
// real receiver, tests/support/webhook_sink.h, that verifies every signature); a platform that
// is down gets it once it is back, exactly once; with no platform nothing is enqueued.
// The hub's clock is set (2025-03-10); the receiver's 300 s window uses the same instant.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/json_doc.h"
#include "tests/support/test_env.h"
#include "tests/support/webhook_sink.h"

using namespace xj::test;
using namespace std::chrono_literals;

namespace {

const std::string kJiangnan = "451229205";
const std::string kQueue = "township-451229205";
const std::string kSecret = "secret-of-the-platform-0123456789abcdef";
const char* kIdNumber = "451229199011302426";
const char* kOtherId = "45122919800101002X";
constexpr int64_t kClockSeconds = 1741572000;  // 2025-03-10T02:00:00Z, the hub's clock

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string ticket(const std::string& id, const std::string& idn) {
  return R"({"id":")" + id +
         R"(","kind":"ticket","source":"hotline-1","occurred_at":"2025-03-10T09:30:00+08:00","subject":{"name":"韦测试","id_number":")" +
         idn + R"(","phone":"13900000001","township":")" + kJiangnan +
         R"(","village":"测试村"},"body":{"category":"dibao","urgency":"normal","description":"生活困难"}})";
}

std::string webhookPlatform(const Daemon& d, const WebhookSink& sink, const std::string& extra) {
  std::string key = d.dir() + "/platform.key";
  writeSecretFile(key, kSecret + "\n");
  return R"({"enabled": true, "channel": {"type": "webhook", "url": ")" + sink.url("/upload") +
         R"(", "secret_file": ")" + key + "\"}" + extra + "}";
}

// A hub whose partners.jsonc "platform" is the webhook `sink` (with `extra` fields in its entry),
// or disabled when `sink` is null.
struct Hub {
  Daemon d{R"("fault_injection": true)"};
  std::string hotline, admin, staff;

  explicit Hub(const WebhookSink* sink, const std::string& extra = "") {
    std::string platform = sink ? webhookPlatform(d, *sink, extra) : R"({"enabled": false})";
    d.writePartners(R"({"partners": [], "platform": )" + platform +
                    R"(, "delivery": {"max_attempts": 100, "backoff_initial_ms": 50,
                      "backoff_max_ms": 200}})");
    hotline = d.token("hotline-1", "hotline");
    admin = d.token("bureau-admin", "admin");
    staff = d.token("jiangnan-team", "staff", {kJiangnan});
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
  // A ticket about `idn`, claimed and resolved with `resolution`; returns its item id.
  std::string resolve(const std::string& msg, const std::string& idn,
                      const std::string& resolution) {
    REQUIRE(send("POST", "/v1/tickets", ticket(msg, idn), hotline).status == 202);
    std::string item =
        trim(d.sql("SELECT i.item_id FROM items i JOIN messages m ON m.hub_seq = i.hub_seq WHERE "
                   "m.message_id='" +
                   msg + "' AND i.queue='" + kQueue + "' AND i.item_kind='case'"));
    REQUIRE(!item.empty());
    const std::string base = "/v1/queues/" + kQueue + "/items/" + item;
    REQUIRE(send("POST", base + "/claim", "", staff).status == 200);
    REQUIRE(send("POST", base + "/resolve", resolution, staff).status == 200);
    return item;
  }
  std::string personKey(const std::string& item) {
    // Stored as its 32 bytes (migration 16); the hub hands it out as hex.
    return trim(d.sql("SELECT lower(hex(id_key)) FROM items WHERE item_id=" + item));
  }
  std::string outboxState(const std::string& key) {
    return trim(
        d.sql("SELECT state || ' ' || attempts FROM outbox WHERE idempotency_key='" + key + "'"));
  }
};

// Checks a body against the OpenAPI component PlatformCategoryChange: every key documented,
// every required key present, so that the document cannot drift from what is sent.
void checkAgainstOpenApi(const std::string& body) {
  std::ifstream in(std::string(XJ_SOURCE_DIR) + "/adapters/http/openapi.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto doc = json(text);
  REQUIRE(doc.IsObject());
  const auto& schema = doc["components"]["schemas"]["PlatformCategoryChange"];
  REQUIRE(schema.IsObject());
  auto b = json(body);
  REQUIRE(b.IsObject());
  for (auto it = b.MemberBegin(); it != b.MemberEnd(); ++it) {
    INFO("body key " << it->name.GetString());
    CHECK(schema["properties"].HasMember(it->name.GetString()));
  }
  for (const auto& r : schema["required"].GetArray()) {
    INFO("required " << r.GetString());
    CHECK(b.HasMember(r.GetString()));
  }
}

std::vector<ReceivedDelivery> uploads(const WebhookSink& sink) {
  std::vector<ReceivedDelivery> out;
  for (const auto& r : sink.accepted())
    if (r.kind == "platform.category_change") out.push_back(r);
  return out;
}

}  // namespace

TEST_CASE("a resolution into a category uploads exactly one signed change to the platform",
          "[platform]") {
  WebhookSink sink(kSecret, [] { return kClockSeconds; });
  Hub h(&sink);

  std::string item = h.resolve(
      "t-1", kIdNumber, R"({"outcome":"eligible_dibao","reason_code":"income_below_standard"})");
  REQUIRE(sink.waitUntil([&] { return uploads(sink).size() == 1; }, 10s));
  const std::string person = h.personKey(item);
  REQUIRE(person.size() >= 32);
  {
    auto got = uploads(sink)[0];
    INFO(got.body);
    CHECK(got.verified);
    CHECK(got.path == "/upload");
    CHECK(got.idempotency_key == "platform-item-" + item);
    auto b = json(got.body);
    REQUIRE(b.IsObject());
    CHECK(std::string(b["person_key"].GetString()) == person);
    CHECK(std::string(b["category"].GetString()) == "dibao");
    CHECK(std::string(b["previous_category"].GetString()) == "none");
    CHECK(std::string(b["change"].GetString()) == "added");
    CHECK(std::string(b["township"].GetString()) == kJiangnan);
    CHECK(std::string(b["village"].GetString()) == "测试村");
    CHECK(std::string(b["effective_date"].GetString()) == "2025-03-10");
    CHECK(std::to_string(b["item_id"].GetInt64()) == item);
    CHECK(std::string(b["reason"].GetString()) == "income_below_standard");
    // By default the raw ID number, the name and the phone never leave.
    CHECK_FALSE(b.HasMember("id_number"));
    CHECK(got.body.find(kIdNumber) == std::string::npos);
    CHECK(got.body.find("韦测试") == std::string::npos);
    CHECK(got.body.find("13900000001") == std::string::npos);
    checkAgainstOpenApi(got.body);
  }
  CHECK(h.outboxState("platform-item-" + item) == "delivered 1");

  // The same person later found tekun: a change from dibao. A resolution that says nothing about
  // the category (temporary aid) uploads nothing; not eligible any more removes them.
  std::string second = h.resolve(
      "t-2", kIdNumber, R"({"outcome":"eligible_tekun","reason_code":"household_verified"})");
  std::string third = h.resolve(
      "t-3", kIdNumber, R"({"outcome":"temporary_aid_granted","reason_code":"emergency_need"})");
  std::string fourth = h.resolve("t-4", kIdNumber,
                                 R"({"outcome":"not_eligible","reason_code":"income_above_line"})");
  // Confirmed as it already was (none again): no change, nothing uploaded.
  std::string fifth = h.resolve("t-5", kIdNumber,
                                R"({"outcome":"not_eligible","reason_code":"income_above_line"})");
  REQUIRE(sink.waitUntil([&] { return uploads(sink).size() >= 3; }, 10s));
  std::this_thread::sleep_for(300ms);  // settle: nothing more may arrive
  auto got = uploads(sink);
  REQUIRE(got.size() == 3);
  auto b1 = json(got[1].body);
  CHECK(got[1].idempotency_key == "platform-item-" + second);
  CHECK(std::string(b1["previous_category"].GetString()) == "dibao");
  CHECK(std::string(b1["category"].GetString()) == "tekun");
  CHECK(std::string(b1["change"].GetString()) == "changed");
  auto b2 = json(got[2].body);
  CHECK(got[2].idempotency_key == "platform-item-" + fourth);
  CHECK(std::string(b2["previous_category"].GetString()) == "tekun");
  CHECK(std::string(b2["category"].GetString()) == "none");
  CHECK(std::string(b2["change"].GetString()) == "removed");
  CHECK(std::string(b2["reason"].GetString()) == "income_above_line");
  CHECK(trim(h.d.sql("SELECT count(*) FROM outbox WHERE partner='platform'")) == "3");
  CHECK(trim(h.d.sql("SELECT category FROM person_categories WHERE id_key=X'" + person + "'")) ==
        "none");
  // Each change is on its item's history.
  CHECK(trim(h.d.openedSql("SELECT xj_open(detail, 'item_history.detail') FROM item_history WHERE "
                           "action='category' AND item_id=" +
                           second)) == "category dibao -> tekun");
  CHECK(trim(h.d.sql("SELECT count(*) FROM item_history WHERE action='category' AND item_id IN (" +
                     third + "," + fifth + ")")) == "0");
  // Deliveries by outcome for the platform, and its depth, in /metrics.
  auto metrics = httpRequest(h.d.port(), "GET", "/metrics").body;
  CHECK(metrics.find(
            "xianjie_outbox_deliveries_total{partner=\"platform\",outcome=\"delivered\"} 3") !=
        std::string::npos);
}

TEST_CASE("the platform down, then up: the upload is delivered once", "[platform]") {
  WebhookSink sink(kSecret, [] { return kClockSeconds; });
  Hub h(&sink);
  sink.stopListening();
  std::string item = h.resolve(
      "t-1", kIdNumber, R"({"outcome":"eligible_dibao_edge","reason_code":"income_above_line"})");
  const std::string key = "platform-item-" + item;
  // Attempted and refused a few times, still pending (nothing lost while it is down).
  REQUIRE(sink.waitUntil(
      [&] {
        auto s = h.outboxState(key);
        return s.rfind("pending ", 0) == 0 && std::stoi(s.substr(8)) >= 3;
      },
      10s));
  CHECK(uploads(sink).empty());
  sink.resume();
  REQUIRE(sink.waitUntil([&] { return h.outboxState(key).rfind("delivered", 0) == 0; }, 10s));
  std::this_thread::sleep_for(300ms);
  auto got = uploads(sink);
  REQUIRE(got.size() == 1);
  CHECK(got[0].idempotency_key == key);
  CHECK(got[0].verified);
  CHECK(got[0].body.find("\"category\":\"dibao_edge\"") != std::string::npos);
}

TEST_CASE("a platform whose fields allow it gets the raw ID number", "[platform]") {
  WebhookSink sink(kSecret, [] { return kClockSeconds; });
  Hub h(&sink, R"(, "fields": ["id_number", "township"])");
  h.resolve("t-1", kOtherId,
            R"({"outcome":"eligible_rigid_expense","reason_code":"rigid_expense_verified"})");
  REQUIRE(sink.waitUntil([&] { return uploads(sink).size() == 1; }, 10s));
  auto b = json(uploads(sink)[0].body);
  CHECK(std::string(b["id_number"].GetString()) == kOtherId);
  CHECK(std::string(b["category"].GetString()) == "rigid_expense");
  CHECK_FALSE(b.HasMember("village"));  // not in its fields
  checkAgainstOpenApi(uploads(sink)[0].body);
}

TEST_CASE("with no platform configured the change is recorded and nothing is enqueued",
          "[platform]") {
  Hub h(nullptr);
  std::string item = h.resolve(
      "t-1", kIdNumber, R"({"outcome":"eligible_dibao","reason_code":"income_below_standard"})");
  CHECK(trim(h.d.sql("SELECT count(*) FROM outbox")) == "0");
  CHECK(trim(h.d.sql("SELECT category || ' ' || since || ' ' || item_id FROM person_categories")) ==
        "dibao 2025-03-10 " + item);
  CHECK(trim(h.d.openedSql("SELECT xj_open(detail, 'item_history.detail') FROM item_history WHERE "
                           "action='category' AND item_id=" +
                           item)) == "category none -> dibao");
}
