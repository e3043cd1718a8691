// The console's API against the real daemon over real HTTP: who is signed in, the
// place pickers, the repeat-caller hint, an organisation's recent messages, the township report
// and the item page. Scopes are those of the rest of the API; the authorization matrix
// (authz_matrix_test.cpp) covers every caller, these tests what each answer holds.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/json_doc.h"
#include "tests/support/test_env.h"

using namespace xj::test;

namespace {

using Headers = std::map<std::string, std::string>;

std::string s(const rapidjson::Value& v) { return v.IsString() ? v.GetString() : "<not a string>"; }

const char* const kJiangnan = "451229205";
const char* const kBaima = "451229202";

// A hub with one principal of each kind; its clock set (deadlines and reports depend on it).
struct Hub {
  Daemon d{R"("fault_injection": true)"};
  std::string hotline, hotline2, charity, county, jiangnan, baima, admin;
  explicit Hub(const std::string& now = "2025-03-10T10:00:00+08:00") {
    hotline = d.token("hotline-demo", "hotline");
    hotline2 = d.token("hotline-2", "hotline");
    charity = d.token("charity-1", "charity");
    county = d.token("county-bureau", "staff");
    jiangnan = d.token("jiangnan-team", "staff", {kJiangnan});
    baima = d.token("baima-team", "staff", {kBaima});
    admin = d.token("bureau-admin", "admin");
    d.setClock(now);
    d.start();
  }
  HttpResponse get(const std::string& path, const std::string& token, Headers h = {}) {
    if (!token.empty()) h["Authorization"] = "Bearer " + token;
    return httpRequest(d.port(), "GET", path, "", h);
  }
  HttpResponse post(const std::string& path, const std::string& body, const std::string& token) {
    return httpRequest(
        d.port(), "POST", path, body,
        {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
  }
};

}  // namespace

TEST_CASE("whoami names the token's organisation, role and townships with their names",
          "[console_api]") {
  Hub h;
  auto r = h.get("/v1/whoami", h.jiangnan);
  REQUIRE(r.status == 200);
  auto doc = json(r.body);
  CHECK(s(doc["token_id"]) == h.jiangnan.substr(4, 12));
  CHECK(s(doc["org"]) == "jiangnan-team");
  CHECK(s(doc["role"]) == "staff");
  REQUIRE(doc["townships"].Size() == 1);
  CHECK(s(doc["townships"][0]["code"]) == kJiangnan);
  CHECK(s(doc["townships"][0]["name_zh"]) == "江南乡");
  CHECK(s(doc["townships"][0]["name_en"]) == "Jiangnan Township");
  CHECK(doc["county_wide"].GetBool() == false);
  // The secret part of the token is never echoed.
  CHECK(r.body.find(h.jiangnan.substr(17)) == std::string::npos);

  auto county = json(h.get("/v1/whoami", h.county).body);
  CHECK(county["townships"].Size() == 0);
  CHECK(county["county_wide"].GetBool());
  CHECK(json(h.get("/v1/whoami", h.admin).body)["county_wide"].GetBool());
  auto hot = json(h.get("/v1/whoami", h.hotline).body);
  CHECK(s(hot["role"]) == "hotline");
  CHECK(s(hot["org"]) == "hotline-demo");
  CHECK(hot["county_wide"].GetBool() == false);

  auto none = h.get("/v1/whoami", "");
  CHECK(none.status == 401);
  CHECK(none.headers["www-authenticate"] == "Bearer");
  CHECK(h.get("/v1/whoami", "xjt_000000000000_" + std::string(64, '0')).status == 401);
}

TEST_CASE("the directory lists the 16 townships with their villages from config/villages.jsonc",
          "[console_api]") {
  Hub h;
  auto r = h.get("/v1/directory/townships", h.hotline);
  REQUIRE(r.status == 200);
  auto doc = json(r.body);
  REQUIRE(doc["townships"].IsArray());
  REQUIRE(doc["townships"].Size() == 16);
  CHECK(doc["villages_are_examples"].GetBool());
  std::set<std::string> codes;
  const rapidjson::Value* jiangnan = nullptr;
  for (auto& t : doc["townships"].GetArray()) {
    codes.insert(s(t["code"]));
    CHECK_FALSE(s(t["name_en"]).empty());
    CHECK(t["villages"].Size() > 0);
    for (auto& v : t["villages"].GetArray()) CHECK(s(v["code"]).rfind(s(t["code"]), 0) == 0);
    if (s(t["code"]) == kJiangnan) jiangnan = &t;
  }
  CHECK(codes.size() == 16);
  REQUIRE(jiangnan != nullptr);
  CHECK(s((*jiangnan)["name_zh"]) == "江南乡");
  CHECK(s((*jiangnan)["villages"][0]["name_zh"]) == "示例社区");
  CHECK(h.get("/v1/directory/townships", "").status == 401);
}

TEST_CASE("a bad village file stops the hub at start with every problem named", "[console_api]") {
  Daemon d;
  const std::string bad = d.dir() + "/villages.jsonc";
  std::ofstream(bad) << R"({"townships": [{"code": "451229999", "name_en": "X", "villages": []}]})";
  std::stringstream config;
  config << std::ifstream(d.configPath()).rdbuf();
  std::string text = config.str();
  const std::string shipped = std::string(XJ_SOURCE_DIR) + "/config/villages.jsonc";
  auto at = text.find(shipped);
  REQUIRE(at != std::string::npos);
  text.replace(at, shipped.size(), bad);
  std::ofstream(d.configPath()) << text;
  int rc = 0;
  std::string out =
      runCommand(std::string(XJ_DAEMON) + " --config '" + d.configPath() + "' 2>&1", &rc);
  CHECK(rc == 1);
  CHECK(out.find("/townships/0/code") != std::string::npos);
  CHECK(out.find("451229205") != std::string::npos);  // Jiangnan, among the missing ones
}

namespace {

std::string ticket(const std::string& id, const std::string& phone, const std::string& township,
                   const std::string& id_number = "", const std::string& source = "hotline-demo",
                   const std::string& household = "") {
  std::string subject =
      R"({"name":"测试","township":")" + township + R"(","phone":")" + phone + "\"";
  if (!id_number.empty()) subject += R"(,"id_number":")" + id_number + "\"";
  if (!household.empty()) subject += R"(,"household":)" + household;
  return R"({"id":")" + id + R"(","kind":"ticket","source":")" + source +
         R"(","occurred_at":"2025-03-10T09:30:00+08:00","subject":)" + subject +
         R"(},"body":{"category":"dibao","urgency":"normal","description":"测试"}})";
}

// Valid GB 11643 numbers (tests/data/rules cases).
const char* const kIdA = "451229199011302426";
const char* const kIdB = "451229195703081312";

std::vector<int64_t> openItems(const rapidjson::Document& doc) {
  std::vector<int64_t> out;
  for (auto& it : doc["open_items"].GetArray()) out.push_back(it["item_id"].GetInt64());
  return out;
}

int64_t itemOf(Hub& h, const std::string& message_id) {
  auto seq = h.d.sql(
      "SELECT i.item_id FROM items i JOIN messages m ON m.hub_seq = i.hub_seq "
      "WHERE m.message_id = '" +
      message_id + "' ORDER BY i.item_id LIMIT 1");
  REQUIRE(!seq.empty());
  return std::stoll(seq);
}

}  // namespace

TEST_CASE("the repeat-caller hint finds what intake would link: by ID number alone, else phone",
          "[console_api]") {
  Hub h;
  REQUIRE(h.post("/v1/tickets", ticket("p-1", "13800000001", kJiangnan), h.hotline).status == 202);
  REQUIRE(h.post("/v1/tickets", ticket("i-1", "13800000002", kJiangnan, kIdA), h.hotline).status ==
          202);
  const int64_t by_phone = itemOf(h, "p-1"), by_id = itemOf(h, "i-1");
  auto lookup = [&](const std::string& body, const std::string& token) {
    return h.post("/v1/lookups/repeat-caller", body, token);
  };

  auto r = lookup(R"({"phone":"138-0000-0001"})", h.hotline);  // separators as in an envelope
  REQUIRE(r.status == 200);
  CHECK(openItems(json(r.body)) == std::vector<int64_t>{by_phone});
  auto found = json(r.body);
  auto one = found["open_items"][0].GetObject();
  CHECK(s(one["queue"]) == "township-451229205");
  CHECK(s(one["state"]) == "new");
  CHECK(s(one["township"]) == kJiangnan);
  CHECK(one["deadline"].IsString());
  CHECK(one["created_at"].IsString());
  // No personal data in the answer: neither the number asked about nor a name.
  CHECK(r.body.find("13800000001") == std::string::npos);
  CHECK(r.body.find("测试") == std::string::npos);

  CHECK(openItems(json(lookup(std::string(R"({"id_number":")") + kIdA + "\"}", h.hotline).body)) ==
        std::vector<int64_t>{by_id});
  // An ID number is looked up alone: another person's number with the first caller's phone finds
  // nothing (a cadre calls for several families from one phone) ...
  const std::string other = std::string(R"({"id_number":")") + kIdB + R"(","phone":"13800000002"})";
  CHECK(openItems(json(lookup(other, h.hotline).body)).empty());
  // ... and the intake agrees: that ticket becomes an item of its own, not a repeat call.
  REQUIRE(h.post("/v1/tickets", ticket("i-2", "13800000002", kJiangnan, kIdB), h.hotline).status ==
          202);
  CHECK(itemOf(h, "i-2") != by_id);
  // A phone without an ID number finds every open ticket case with that phone, oldest first:
  // a new ticket like it would join the first.
  CHECK(openItems(json(lookup(R"({"phone":"13800000002"})", h.hotline).body)) ==
        std::vector<int64_t>{by_id, itemOf(h, "i-2")});

  // Scope: staff see their townships' items; Baima staff see nothing of Jiangnan's.
  CHECK(openItems(json(lookup(R"({"phone":"13800000001"})", h.jiangnan).body)).size() == 1);
  CHECK(openItems(json(lookup(R"({"phone":"13800000001"})", h.county).body)).size() == 1);
  CHECK(openItems(json(lookup(R"({"phone":"13800000001"})", h.baima).body)).empty());
  CHECK(lookup(R"({"phone":"13800000001"})", h.charity).status == 403);

  // A resolved item is no longer a hint.
  const std::string base = "/v1/queues/township-451229205/items/" + std::to_string(by_phone);
  REQUIRE(h.post(base + "/claim", "", h.jiangnan).status == 200);
  REQUIRE(h.post(base + "/resolve", R"({"outcome":"other","reason_code":"other"})", h.jiangnan)
              .status == 200);
  CHECK(openItems(json(lookup(R"({"phone":"13800000001"})", h.hotline).body)).empty());

  // Bad input: every problem named, as for an envelope, and counted.
  const std::string invalid = R"(xianjie_http_rejections_total{reason="invalid"})";
  const double before = metricValue(h.d.port(), invalid).value_or(-1);
  auto bad =
      lookup(R"({"phone":"call me","id_number":"451229199011302427","name":"x"})", h.hotline);
  CHECK(bad.status == 400);
  auto bad_doc = json(bad.body);
  std::set<std::string> paths;
  for (auto& p : bad_doc["problems"].GetArray()) paths.insert(s(p["path"]));
  CHECK(paths == std::set<std::string>{"/phone", "/id_number", "/name"});
  CHECK(lookup("{}", h.hotline).status == 400);
  CHECK(metricValue(h.d.port(), invalid).value_or(-1) == before + 2);
  CHECK(lookup("{", h.hotline).status == 400);
  // Nothing asked about reaches the log.
  CHECK(h.d.log().find("13800000001") == std::string::npos);
  CHECK(h.d.log().find(kIdB) == std::string::npos);
}

TEST_CASE("an organisation's recent messages: newest first, where each went, paged",
          "[console_api]") {
  Hub h;
  for (int i = 1; i <= 3; ++i)
    REQUIRE(h.post("/v1/tickets",
                   ticket("r-" + std::to_string(i), "1390000000" + std::to_string(i), kJiangnan),
                   h.hotline)
                .status == 202);
  REQUIRE(h.post("/v1/tickets", ticket("other", "13900000009", kBaima, "", "hotline-2"), h.hotline2)
              .status == 202);
  // A repeat call: shown with the item it joined.
  REQUIRE(h.post("/v1/tickets", ticket("r-again", "13900000001", kJiangnan), h.hotline).status ==
          202);

  auto page1 = json(h.get("/v1/messages?mine=1&limit=3", h.hotline).body);
  REQUIRE(page1["messages"].Size() == 3);
  std::vector<std::string> ids;
  for (auto& m : page1["messages"].GetArray()) ids.push_back(s(m["message_id"]));
  CHECK(ids == std::vector<std::string>{"r-again", "r-3", "r-2"});
  auto& again = page1["messages"][0];
  CHECK(s(again["status"]) == "linked");
  CHECK(again["item_id"].GetInt64() == itemOf(h, "r-1"));
  auto& r3 = page1["messages"][1];
  CHECK(s(r3["kind"]) == "ticket");
  CHECK(s(r3["queue"]) == "township-451229205");
  CHECK(s(r3["state"]) == "new");
  CHECK(s(r3["deadline"]) == "2025-03-11");  // one working day after Monday 10 March
  CHECK(r3["deadline_provisional"].GetBool() == false);
  CHECK(r3["overdue"].GetBool() == false);
  CHECK(s(r3["hub_id"]).rfind("xj-", 0) == 0);
  REQUIRE(page1["next_before"].IsInt64());

  auto page2 = json(
      h.get("/v1/messages?mine=1&limit=3&before=" + std::to_string(page1["next_before"].GetInt64()),
            h.hotline)
          .body);
  REQUIRE(page2["messages"].Size() == 1);
  CHECK(s(page2["messages"][0]["message_id"]) == "r-1");
  CHECK(page2["next_before"].IsNull());
  // Another organisation's messages are never in the list.
  auto theirs = json(h.get("/v1/messages?mine=1", h.hotline2).body);
  REQUIRE(theirs["messages"].Size() == 1);
  CHECK(s(theirs["messages"][0]["message_id"]) == "other");

  auto bad = h.get("/v1/messages?limit=0&before=x&sort=up", h.hotline);
  CHECK(bad.status == 400);
  std::set<std::string> paths;
  auto bad_doc = json(bad.body);  // alive through the loop (a temporary would not be)
  for (auto& p : bad_doc["problems"].GetArray()) paths.insert(s(p["path"]));
  CHECK(paths == std::set<std::string>{"mine", "limit", "before", "sort"});
}

TEST_CASE("the township report gives the figures of a scenario built on the hub's clock",
          "[console_api][report]") {
  // Monday 10 March 2025, 10:00 China time: three Jiangnan calls and one Baima call.
  Hub h("2025-03-10T10:00:00+08:00");
  for (const char* id : {"j1", "j2", "j3"})
    REQUIRE(
        h.post("/v1/tickets", ticket(id, std::string("1370000000") + id[1], kJiangnan), h.hotline)
            .status == 202);
  REQUIRE(h.post("/v1/tickets", ticket("b1", "13700000009", kBaima), h.hotline).status == 202);
  const std::string q = "/v1/queues/township-451229205/items/";
  const std::string j1 = q + std::to_string(itemOf(h, "j1"));
  const std::string j2 = q + std::to_string(itemOf(h, "j2"));
  const std::string county = h.county;  // a second caseworker for j2
  auto at = [&](const char* time) { h.d.setClock(std::string("2025-03-10T") + time + "+08:00"); };
  at("12:00:00");  // j1 first contact after 2 h
  REQUIRE(h.post(j1 + "/claim", "", h.jiangnan).status == 200);
  at("14:00:00");  // j2 after 4 h (a note is a contact too)
  REQUIRE(h.post(j2 + "/notes", R"({"text":"已联系"})", county).status == 200);
  REQUIRE(h.post(j2 + "/claim", "", county).status == 200);
  at("16:00:00");  // j1 decided after 6 h (its follow-up call is not counted)
  REQUIRE(
      h.post(j1 + "/resolve", R"({"outcome":"other","reason_code":"other"})", h.jiangnan).status ==
      200);
  at("20:00:00");  // j2 decided after 10 h
  REQUIRE(h.post(j2 + "/resolve", R"({"outcome":"other","reason_code":"other"})", county).status ==
          200);
  // j3 and b1 are never touched: past their one-working-day deadline by the 20th.
  REQUIRE(h.post("/v1/admin/faults", "sweep 2025-03-20", h.admin).status == 200);

  auto r = h.get("/v1/reports/townships?from=2025-03-01&to=2025-03-31", h.county);
  REQUIRE(r.status == 200);
  auto doc = json(r.body);
  CHECK(s(doc["from"]) == "2025-03-01");
  REQUIRE(doc["townships"].Size() == 16);
  std::map<std::string, const rapidjson::Value*> line;
  for (auto& l : doc["townships"].GetArray()) line[s(l["township"])] = &l;
  const auto& jn = *line[kJiangnan];
  CHECK(s(jn["name_zh"]) == "江南乡");
  CHECK(jn["created"].GetInt64() == 3);
  CHECK(jn["open"].GetInt64() == 1);
  CHECK(jn["overdue"].GetInt64() == 1);
  CHECK(jn["resolved"].GetInt64() == 2);
  CHECK(jn["median_first_contact_hours"].GetDouble() == Approx(3.0));  // median of 2 and 4
  CHECK(jn["median_decision_hours"].GetDouble() == Approx(8.0));       // median of 6 and 10
  const auto& bm = *line[kBaima];
  CHECK(bm["created"].GetInt64() == 1);
  CHECK(bm["open"].GetInt64() == 1);
  CHECK(bm["overdue"].GetInt64() == 1);
  CHECK(bm["resolved"].GetInt64() == 0);
  CHECK(bm["median_first_contact_hours"].IsNull());
  CHECK(bm["median_decision_hours"].IsNull());
  CHECK((*line["451229100"])["created"].GetInt64() == 0);

  // The same as CSV, by format=csv or by Accept.
  auto csv = h.get("/v1/reports/townships?from=2025-03-01&to=2025-03-31&format=csv", h.admin);
  REQUIRE(csv.status == 200);
  CHECK(csv.headers["content-type"].rfind("text/csv", 0) == 0);
  CHECK(csv.body.rfind("township,name_zh,name_en,created,open,overdue,resolved,"
                       "median_first_contact_hours,median_decision_hours\r\n",
                       0) == 0);
  CHECK(csv.body.find("\r\n451229205,江南乡,Jiangnan Township,3,1,1,2,3.0,8.0\r\n") !=
        std::string::npos);
  CHECK(csv.body.find("\r\n451229202,百马乡,Baima Township,1,1,1,0,,\r\n") != std::string::npos);
  CHECK(h.get("/v1/reports/townships?from=2025-03-01&to=2025-03-31", h.admin,
              {{"Accept", "text/csv"}})
            .body == csv.body);

  // Scope: Baima's staff get Baima's line only; a hotline none.
  auto baima = json(h.get("/v1/reports/townships?from=2025-03-01&to=2025-03-31", h.baima).body);
  REQUIRE(baima["townships"].Size() == 1);
  CHECK(s(baima["townships"][0]["township"]) == kBaima);
  CHECK(h.get("/v1/reports/townships?from=2025-03-01&to=2025-03-31", h.hotline).status == 403);
  // A period after the calls holds none of them.
  auto later = json(h.get("/v1/reports/townships?from=2025-03-11&to=2025-03-31", h.county).body);
  for (auto& l : later["townships"].GetArray()) CHECK(l["created"].GetInt64() == 0);
  // Bad periods: every problem named.
  auto bad = h.get("/v1/reports/townships?from=2025-13-01&format=xml", h.county);
  CHECK(bad.status == 400);
  std::set<std::string> paths;
  auto bad_doc = json(bad.body);  // alive through the loop (a temporary would not be)
  for (auto& p : bad_doc["problems"].GetArray()) paths.insert(s(p["path"]));
  CHECK(paths == std::set<std::string>{"from", "to", "format"});
  CHECK(h.get("/v1/reports/townships?from=2025-03-31&to=2025-03-01", h.county).status == 400);
}

TEST_CASE("the item page holds the message, the decision with its trace, history and exchanges",
          "[console_api]") {
  Hub h;
  const std::string household =
      R"({"as_of":"2025-03-10","township_code":"451229205","residence":"rural","members":[{"pid":"p1","relation":"applicant","sex":"M","birth_date":"1950-01-01"}],"assets":{"financial":0}})";
  REQUIRE(h.post("/v1/tickets",
                 ticket("hh", "13600000001", kJiangnan, "", "hotline-demo", household), h.hotline)
              .status == 202);
  const int64_t item = itemOf(h, "hh");
  const std::string base = "/v1/queues/township-451229205/items/" + std::to_string(item);
  REQUIRE(h.post(base + "/claim", "", h.jiangnan).status == 200);
  auto ex = h.post(
      "/v1/exchanges",
      R"({"queue":"township-451229205","item":)" + std::to_string(item) +
          R"(,"partner":"charity-demo","need":"food","consent":{"recorded":true,"by":"测试","at":"2025-03-10T10:00:00+08:00","method":"written"}})",
      h.jiangnan);
  REQUIRE(ex.status == 201);

  auto r = h.get(base, h.jiangnan);
  REQUIRE(r.status == 200);
  auto doc = json(r.body);
  CHECK(doc["item"]["item_id"].GetInt64() == item);
  std::vector<std::string> actions;
  for (auto& e : doc["history"].GetArray()) actions.push_back(s(e["action"]));
  CHECK(actions.front() == "created");
  CHECK(std::find(actions.begin(), actions.end(), "claim") != actions.end());
  REQUIRE(doc["message"].IsObject());
  CHECK(s(doc["message"]["message_id"]) == "hh");
  CHECK(s(doc["message"]["envelope"]["subject"]["phone"]) == "13600000001");
  REQUIRE(doc["decision"].IsObject());
  CHECK_FALSE(s(doc["decision"]["category"]).empty());
  CHECK(doc["decision"]["carried_from"].IsNull());
  const auto& trace = doc["decision"]["result"]["trace"];
  REQUIRE(trace.IsArray());
  REQUIRE(trace.Size() > 0);
  CHECK_FALSE(s(trace[0]["reason"]["zh"]).empty());
  CHECK_FALSE(s(trace[0]["reason"]["en"]).empty());
  REQUIRE(doc["exchanges"].Size() == 1);
  CHECK(s(doc["exchanges"][0]["partner"]) == "charity-demo");
  CHECK(s(doc["exchanges"][0]["id"]) == s(json(ex.body)["exchange"]["id"]));

  // A ticket without a household has no decision; its page still answers.
  REQUIRE(h.post("/v1/tickets", ticket("plain", "13600000002", kBaima), h.hotline).status == 202);
  const int64_t plain = itemOf(h, "plain");
  auto p =
      json(h.get("/v1/queues/township-451229202/items/" + std::to_string(plain), h.county).body);
  CHECK(p["decision"].IsNull());
  CHECK(p["exchanges"].Size() == 0);
  // Moved into Jiangnan's queue, the Baima caller's message stays out of a Jiangnan token's scope
  // (as GET /v1/messages/{id} would answer it): the item shows, the message does not.
  REQUIRE(h.post("/v1/queues/township-451229202/items/" + std::to_string(plain) + "/transfer",
                 R"({"to":"township-451229205","reason":"测试"})", h.county)
              .status == 200);
  auto moved = h.get(base.substr(0, base.rfind('/') + 1) + std::to_string(plain), h.jiangnan);
  REQUIRE(moved.status == 200);
  CHECK(json(moved.body)["message"].IsNull());
  CHECK(moved.body.find("13600000002") == std::string::npos);
  CHECK(json(h.get(base.substr(0, base.rfind('/') + 1) + std::to_string(plain), h.county)
                 .body)["message"]
            .IsObject());
}
