// An agency's side of the hub over real HTTP and MQTT: the signal kinds the county lists for it
// (partners.jsonc `agencies`) on whoami and enforced on every transport (POST /v1/notifications,
// and its MQTT topic against a real mosquitto), and what became of each of its messages on
// GET /v1/messages?mine=1 (`disposition`).
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/json_doc.h"
#include "tests/support/mosquitto.h"
#include "tests/support/mqtt_client.h"
#include "tests/support/test_env.h"

using namespace xj::test;

namespace {

using Headers = std::map<std::string, std::string>;
Headers auth(const std::string& t) { return {{"Authorization", "Bearer " + t}}; }

std::string s(const rapidjson::Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

// The shipped partner directory with the agency "yibao" listed (two signals); "jiaoyu" is not.
std::string partnersWithAgency() {
  std::ifstream in(std::string(XJ_SOURCE_DIR) + "/config/partners.jsonc");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  const std::string list = "\"agencies\": [";
  auto at = text.find(list);
  REQUIRE(at != std::string::npos);
  text.insert(at + list.size(), R"(
    {"org": "yibao", "name": "县医疗保障局", "signals": ["large_medical_bill", "income_drop"]},)");
  return text;
}

std::string notification(const std::string& id, const std::string& source,
                         const std::string& id_number, const std::string& signal) {
  return R"({"id":")" + id + R"(","kind":"notification","source":")" + source +
         R"(","occurred_at":"2025-03-10T09:30:00Z","subject":{"id_number":")" + id_number +
         R"(","township":"451229202"},"body":{"department":"medical_insurance","signal":")" +
         signal + R"("}})";
}

std::string ticket(const std::string& id, const std::string& id_number) {
  return R"({"id":")" + id +
         R"(","kind":"ticket","source":"hotline-1","occurred_at":"2025-03-10T09:30:00+08:00","subject":{"township":"451229202","phone":"13800000001","id_number":")" +
         id_number + R"("},"body":{"category":"dibao","urgency":"normal","description":"测试"}})";
}

std::string referral(const std::string& id, const std::string& id_number) {
  return R"({"id":")" + id +
         R"(","kind":"referral","source":"charity-1","occurred_at":"2025-03-10T09:30:00Z","subject":{"id_number":")" +
         id_number +
         R"(","township":"451229202"},"body":{"needs":["medical"],"charity_case_id":"c-1","consent":true}})";
}

struct Hub {
  Daemon d{R"("fault_injection": true)"};
  std::string yibao, jiaoyu, hotline, charity, county;
  Hub() {
    d.writePartners(partnersWithAgency());
    yibao = d.token("yibao", "agency");
    jiaoyu = d.token("jiaoyu", "agency");
    hotline = d.token("hotline-1", "hotline");
    charity = d.token("charity-1", "charity");
    county = d.token("county-bureau", "staff");
    d.setClock("2025-03-10T10:00:00+08:00");
    d.start();
  }
  HttpResponse get(const std::string& path, const std::string& token) {
    return httpRequest(d.port(), "GET", path, "", auth(token));
  }
  HttpResponse post(const std::string& path, const std::string& body, const std::string& token) {
    return httpRequest(d.port(), "POST", path, body, auth(token));
  }
  // The caller's own messages by message id.
  std::map<std::string, rapidjson::Document> mine(const std::string& token) {
    auto r = get("/v1/messages?mine=1&limit=100", token);
    REQUIRE(r.status == 200);
    auto doc = json(r.body);
    std::map<std::string, rapidjson::Document> out;
    for (auto& m : doc["messages"].GetArray()) {
      rapidjson::Document one;
      one.CopyFrom(m, one.GetAllocator());
      out.emplace(s(m["message_id"]), std::move(one));
    }
    return out;
  }
};

std::vector<std::string> values(const rapidjson::Value& terms) {
  std::vector<std::string> out;
  for (auto& t : terms.GetArray()) out.push_back(s(t["value"]));
  return out;
}

}  // namespace

TEST_CASE("whoami gives an agency its listed signals with labels, every signal when unlisted",
          "[agency_api]") {
  Hub h;
  auto listed = json(h.get("/v1/whoami", h.yibao).body);
  CHECK(values(listed["signals"]) == std::vector<std::string>{"large_medical_bill", "income_drop"});
  CHECK(s(listed["signals"][0]["zh"]) == "大额医疗支出");
  CHECK(s(listed["signals"][0]["en"]) == "large medical bill");
  CHECK(s(listed["agency_name"]) == "县医疗保障局");
  auto unlisted = json(h.get("/v1/whoami", h.jiaoyu).body);
  auto vocabulary = json(h.get("/v1/vocabulary", h.jiaoyu).body);
  CHECK(values(unlisted["signals"]).size() == 10);
  CHECK(values(unlisted["signals"]) == values(vocabulary["signals"]));
  CHECK_FALSE(unlisted.HasMember("agency_name"));
  // Other roles have no signals to send.
  CHECK_FALSE(json(h.get("/v1/whoami", h.hotline).body).HasMember("signals"));
  CHECK_FALSE(json(h.get("/v1/whoami", h.county).body).HasMember("signals"));
}

TEST_CASE("a listed agency's notification with a signal outside its list is refused",
          "[agency_api]") {
  Hub h;
  const std::string invalid = "xianjie_http_rejections_total{reason=\"invalid\"}";
  const double before = metricValue(h.d.port(), invalid).value_or(-1);
  auto refused =
      h.post("/v1/notifications",
             notification("n-1", "yibao", "451229199011302426", "school_dropout"), h.yibao);
  CHECK(refused.status == 400);
  auto doc = json(refused.body);
  CHECK(s(doc["error"]) == "invalid_message");
  REQUIRE(doc["problems"].Size() == 1);
  CHECK(s(doc["problems"][0]["path"]) == "/body/signal");
  CHECK(s(doc["problems"][0]["problem"]).find("large_medical_bill, income_drop") !=
        std::string::npos);
  CHECK(metricValue(h.d.port(), invalid).value_or(-1) == before + 1);
  CHECK(h.get("/v1/messages/n-1", h.yibao).status == 404);  // nothing stored
  // Its own signal is accepted; an unlisted agency keeps sending any signal.
  CHECK(h.post("/v1/notifications",
               notification("n-2", "yibao", "451229199011302426", "income_drop"), h.yibao)
            .status == 202);
  CHECK(h.post("/v1/notifications",
               notification("n-3", "jiaoyu", "451229199011302426", "school_dropout"), h.jiaoyu)
            .status == 202);
}

TEST_CASE("over MQTT a listed agency's notification with another signal gets a rejected receipt",
          "[agency_api]") {
  Mosquitto broker;
  broker.start();
  Daemon d("", "", "",
           "\"uri\": \"" + broker.uri() + "\", \"client_id\": \"hub-" +
               std::to_string(broker.port()) + "\"");
  d.writePartners(partnersWithAgency());
  d.token("yibao", "agency");
  d.token("jiaoyu", "agency");
  d.start();
  // Ready once the hub's inbound connection is up (its subscription then takes what we publish).
  bool ready = false;
  for (int i = 0; i < 200 && !ready; ++i) {
    ready = httpRequest(d.port(), "GET", "/readyz").status == 200;
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  REQUIRE(ready);
  MqttTestClient c(broker.uri(), "pub-agency");
  REQUIRE(c.connect());
  c.subscribe("xianjie/out/+/receipts");
  const std::string person = "451229199011302426";
  REQUIRE(c.publish("xianjie/in/agency/yibao/notifications",
                    notification("m-refused", "yibao", person, "school_dropout")) == 0);
  REQUIRE(c.waitForReceipts({"m-refused"}, 15000));
  auto refused = c.receipts()["m-refused"];
  INFO(refused.json);
  CHECK(refused.status == "rejected");
  auto doc = json(refused.json);
  REQUIRE(doc.HasMember("problems"));
  REQUIRE(doc["problems"].Size() == 1);
  CHECK(s(doc["problems"][0]["path"]) == "/body/signal");
  // The same problem text as over HTTP: the check is the reception's, shared by both.
  CHECK(s(doc["problems"][0]["problem"]) ==
        "is not a signal this agency sends; one of: large_medical_bill, income_drop");
  CHECK(d.sql("SELECT count(*) FROM messages") == "0\n");  // nothing stored
  CHECK(metricValue(d.port(), "xianjie_mqtt_rejections_total{reason=\"invalid\"}").value_or(-1) ==
        1);
  // Its own signal is accepted; an unlisted agency keeps sending any signal.
  c.publish("xianjie/in/agency/yibao/notifications",
            notification("m-own", "yibao", person, "income_drop"));
  c.publish("xianjie/in/agency/jiaoyu/notifications",
            notification("m-unlisted", "jiaoyu", person, "school_dropout"));
  REQUIRE(c.waitForReceipts({"m-own", "m-unlisted"}, 10000));
  CHECK(c.receipts()["m-own"].status == "accepted");
  CHECK(c.receipts()["m-unlisted"].status == "accepted");
  CHECK(d.sql("SELECT count(*) FROM messages") == "2\n");
}

TEST_CASE("own messages say what became of each: new case, linked, merged, alerted, resolved",
          "[agency_api]") {
  Hub h;
  const std::string unknown = "451229199011302426", called = "451229195703081312",
                    referred = "110101199003074514";
  // A hotline call about `called` opens a case; a second call about the same ID number is a
  // repeat joined to it.
  REQUIRE(h.post("/v1/tickets", ticket("t-1", called), h.hotline).status == 202);
  REQUIRE(h.post("/v1/tickets", ticket("t-2", called), h.hotline).status == 202);
  REQUIRE(h.post("/v1/referrals", referral("r-1", referred), h.charity).status == 202);
  auto send = [&](const std::string& id, const std::string& person) {
    REQUIRE(h.post("/v1/notifications", notification(id, "yibao", person, "large_medical_bill"),
                   h.yibao)
                .status == 202);
  };
  send("n-new", unknown);    // nobody the hub knows: a case of its own
  send("n-alert", called);   // known from the calls: a risk alert for a home visit
  send("n-merged", called);  // the alert is open: merged into it
  auto calls = h.mine(h.hotline);
  CHECK(s(calls["t-1"]["disposition"]) == "new_case");
  CHECK(s(calls["t-2"]["disposition"]) == "linked");
  CHECK(calls["t-2"]["item_id"].GetInt64() == calls["t-1"]["item_id"].GetInt64());
  CHECK(s(h.mine(h.charity)["r-1"]["disposition"]) == "new_case");
  auto mine = h.mine(h.yibao);
  REQUIRE(mine.size() == 3);
  CHECK(s(mine["n-new"]["disposition"]) == "new_case");
  CHECK(s(mine["n-alert"]["disposition"]) == "alerted");
  CHECK(s(mine["n-merged"]["disposition"]) == "merged");
  CHECK_FALSE(mine["n-new"].HasMember("outcome"));
  // The signal raised its own alert beside the open hotline case (it does not join the case),
  // and the next one merged into that alert, as the staff see it.
  CHECK(mine["n-alert"]["item_id"].GetInt64() != calls["t-1"]["item_id"].GetInt64());
  CHECK(mine["n-merged"]["item_id"].GetInt64() == mine["n-alert"]["item_id"].GetInt64());
  const std::string alert_path = "/v1/queues/" + s(mine["n-alert"]["queue"]) + "/items/" +
                                 std::to_string(mine["n-alert"]["item_id"].GetInt64());
  auto alert = json(h.get(alert_path, h.county).body);
  CHECK(s(alert["item"]["item_kind"]) == "risk_alert");
  CHECK(alert["item"]["linked_messages"].GetInt() == 1);
  CHECK(s(alert["history"][alert["history"].Size() - 1]["action"]) == "merged");

  // The new case is resolved: the agency sees the outcome.
  const std::string item_path = "/v1/queues/" + s(mine["n-new"]["queue"]) + "/items/" +
                                std::to_string(mine["n-new"]["item_id"].GetInt64());
  REQUIRE(h.post(item_path + "/claim", "", h.county).status == 200);
  REQUIRE(h.post(item_path + "/resolve",
                 R"({"outcome":"eligible_dibao","reason_code":"income_below_standard"})", h.county)
              .status == 200);
  auto after = h.mine(h.yibao);
  CHECK(s(after["n-new"]["disposition"]) == "resolved");
  CHECK(s(after["n-new"]["outcome"]) == "eligible_dibao");
  CHECK(s(after["n-merged"]["disposition"]) == "merged");  // the alert is still open
  // Another agency sees none of it.
  CHECK(h.mine(h.jiaoyu).empty());
}
